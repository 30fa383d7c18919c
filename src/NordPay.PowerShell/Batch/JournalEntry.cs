using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>The kinds of journal entries, in the order a row normally goes through them; written in kebab case (run-started).</summary>
    [JsonConverter(typeof(KebabCaseEnum<JournalEvent>))]
    internal enum JournalEvent
    {
        RunStarted,
        Planned,
        Requested,
        /// <summary>Flushed before the confirm is sent: from here until an outcome, the payout may have happened.</summary>
        ConfirmSending,
        /// <summary>Written (not flushed to the disk) as each announced confirm leaves: without it, on the same boot, it never left.</summary>
        ConfirmSent,
        Confirmed,
        Failed,
        InDoubt,
        Settled,
        RunFinished,
    }

    /// <summary>The call a failed entry's row failed at; written in lower case.</summary>
    [JsonConverter(typeof(KebabCaseEnum<CallStage>))]
    internal enum CallStage
    {
        Request,
        Confirm,
    }

    /// <summary>
    /// One line of the journal, and its one definition: the JSON it is written as and read from is these properties.
    /// References name the rows it is about (several for a multiple withdraw).
    /// </summary>
    internal sealed record JournalEntry(
        [property: JsonPropertyName("event"), JsonRequired] JournalEvent Event,
        [property: JsonPropertyName("at"), JsonRequired] DateTimeOffset At)
    {
        /// <summary>How every entry is written and read: absent fields for nulls, times as round-trip text, '+' kept readable (never embedded in HTML).</summary>
        public static readonly JsonSerializerOptions Format = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new RoundTripTime() },
        };

        [JsonIgnore]
        public IReadOnlyList<string> References { get; init; } = Array.Empty<string>();

        // One reference is written as "ref", several as "refs".
        [JsonInclude, JsonPropertyName("ref")]
        private string? Ref
        {
            get => References.Count == 1 ? References[0] : null;
            init { if (value != null) References = new[] { value }; }
        }

        [JsonInclude, JsonPropertyName("refs")]
        private IReadOnlyList<string>? Refs
        {
            get => References.Count > 1 ? References : null;
            init { if (value != null) References = value; }
        }

        [JsonPropertyName("row")] public int? Row { get; init; }
        [JsonPropertyName("currency")] public string? Currency { get; init; }
        [JsonPropertyName("address")] public string? Address { get; init; }
        [JsonPropertyName("amount")] public string? Amount { get; init; }
        [JsonPropertyName("identifier")] public Guid? Identifier { get; init; }
        [JsonPropertyName("multiple"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Multiple { get; init; }
        [JsonPropertyName("expiresAt")] public DateTimeOffset? ExpiresAt { get; init; }
        [JsonPropertyName("serviceFee")] public string? ServiceFee { get; init; }
        [JsonPropertyName("withdrawalId")] public long? WithdrawalId { get; init; }
        /// <summary>For a multiple confirm: each reference's own withdrawal, in the order of <see cref="References"/> (null where the history did not show it).</summary>
        [JsonPropertyName("withdrawalIds")] public IReadOnlyList<long?>? WithdrawalIds { get; init; }
        /// <summary>For a multiple confirm: the id its answer carried, which names the batch, not a withdrawal.</summary>
        [JsonPropertyName("batchId")] public long? BatchId { get; init; }
        /// <summary>For confirm-sending and requested: the earliest NordPay's clock read when the call was made, to place a withdrawal in the history.</summary>
        [JsonPropertyName("serverAt")] public DateTimeOffset? ServerAt { get; init; }
        /// <summary>For confirm-sending: the operating system's boot it was written on (see <see cref="BootIdentity"/>).</summary>
        [JsonPropertyName("boot")] public string? Boot { get; init; }
        /// <summary>The withdrawal's status as NordPay wrote it (see <see cref="Api.WithdrawalStatus"/>).</summary>
        [JsonPropertyName("status")] public string? Status { get; init; }
        [JsonPropertyName("reconciled"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Reconciled { get; init; }
        [JsonPropertyName("stage")] public CallStage? Stage { get; init; }
        [JsonPropertyName("errorId")] public string? ErrorId { get; init; }
        [JsonPropertyName("message")] public string? Message { get; init; }
        /// <summary>For settled entries: Paid or NotPaid, as the operator decided.</summary>
        [JsonPropertyName("outcome"), JsonConverter(typeof(JsonStringEnumConverter<NordPaySettlement>))] public NordPaySettlement? Outcome { get; init; }
        [JsonPropertyName("run")] public string? Run { get; init; }

        /// <summary>The entry as one line of the journal (without its newline).</summary>
        public string ToJson() => JsonSerializer.Serialize(this, Format);

        /// <summary>Reads one line of the journal; throws JsonException or FormatException when it is not an entry.</summary>
        public static JournalEntry FromJson(string line) =>
            JsonSerializer.Deserialize<JournalEntry>(line, Format) ?? throw new FormatException("not an entry");

        /// <summary>The event as the journal writes it (confirm-sending), as crash points name it.</summary>
        public static string Text(JournalEvent @event) => JsonNamingPolicy.KebabCaseLower.ConvertName(@event.ToString());

        /// <summary>Times as "o" text (every digit of the fraction), read back as any round-trip time, as journals have always held them.</summary>
        private sealed class RoundTripTime : JsonConverter<DateTimeOffset>
        {
            public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                DateTimeOffset.Parse(reader.GetString() ?? throw new FormatException("no time"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

            public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
                writer.WriteStringValue(value.ToString("o", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>An enum written by its name in kebab case (ConfirmSending as confirm-sending); numbers are refused.</summary>
    internal sealed class KebabCaseEnum<T> : JsonStringEnumConverter<T> where T : struct, Enum
    {
        public KebabCaseEnum() : base(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
        {
        }
    }
}
