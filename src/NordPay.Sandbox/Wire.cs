using System.Globalization;
using System.Text.Json;

namespace NordPay.Sandbox;

/// <summary>
/// Writes answers in one of the two shapes NordPay has used: the documented bare JSON with numbers
/// (unversioned paths), or the /v1 envelope {success, data, error} with numbers as strings.
/// </summary>
public sealed class Wire
{
    private Wire(bool envelope) => Envelope = envelope;

    public static Wire Bare { get; } = new(false);
    public static Wire V1 { get; } = new(true);

    public bool Envelope { get; }

    public IResult Ok(Action<Utf8JsonWriter> writeData) => Write(200, w =>
    {
        if (!Envelope)
        {
            writeData(w);
            return;
        }
        w.WriteStartObject();
        w.WriteBoolean("success", true);
        w.WritePropertyName("data");
        writeData(w);
        w.WriteNull("error");
        w.WriteEndObject();
    });

    public IResult Fail(ApiFailure failure) => Write(failure.Status, w =>
    {
        w.WriteStartObject();
        if (Envelope)
        {
            w.WriteBoolean("success", false);
            w.WriteNull("data");
            w.WriteStartObject("error");
            w.WriteString("type", failure.Status == 422 ? "validation_error" : "bad_request");
            w.WritePropertyName("details");
        }
        else
        {
            w.WritePropertyName("detail");
        }
        if (failure.Issues == null)
        {
            w.WriteStringValue(failure.Detail);
        }
        else
        {
            w.WriteStartArray();
            foreach (var issue in failure.Issues)
            {
                w.WriteStartObject();
                w.WriteStartArray("loc");
                foreach (var part in issue.Location) w.WriteStringValue(part);
                w.WriteEndArray();
                w.WriteString("msg", issue.Message);
                w.WriteString("type", issue.Type);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (Envelope) w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>A money value: an exact JSON number (bare) or a string at the currency's scale, as live /v1 sends.</summary>
    public void Money(Utf8JsonWriter w, string name, decimal value, int decimals)
    {
        if (Envelope)
            w.WriteString(name, value.ToString("F" + Math.Min(decimals, 28), CultureInfo.InvariantCulture));
        else
        {
            w.WritePropertyName(name);
            w.WriteRawValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static IResult Write(int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return Results.Text(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), "application/json", System.Text.Encoding.UTF8, status);
    }
}
