using System;
using System.Text.Json;
using NordPay.Models;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>An HTTP answer as received: its body is parsed as UTF-8 bytes, and decoded to text only for errors and logs.</summary>
    internal sealed class Answer
    {
        private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };
        private string? _text;

        /// <param name="body">Null when the answer was larger than <see cref="Transport.MaxAnswerBytes"/> and was not read.</param>
        public Answer(int status, byte[]? body, TimeSpan? retryAfter)
        {
            Status = status;
            Body = body ?? Array.Empty<byte>();
            TooLarge = body == null;
            RetryAfter = retryAfter;
        }

        public int Status { get; }
        public byte[] Body { get; }
        public bool TooLarge { get; }
        public string Text => _text ??= TooLarge ? $"(an answer larger than {Transport.MaxAnswerBytes} bytes, not read)" : System.Text.Encoding.UTF8.GetString(Body);
        public TimeSpan? RetryAfter { get; }

        /// <summary>An earlier attempt of this call was answered (429): NordPay may have processed that one.</summary>
        public bool AnsweredBefore { get; set; }
        public bool IsSuccess => Status >= 200 && Status <= 299;

        /// <summary>
        /// The payload of a successful answer, in either shape NordPay has used: the documented bare JSON, or the /v1
        /// envelope {success, data, error}, whose success=false is an error even on HTTP 200.
        /// </summary>
        public JsonPayload Payload(Redactor redactor)
        {
            if (!IsSuccess) throw ApiError.FromResponse(Status, Text, redactor);
            Exception Unreadable(string reason) => ApiError.Unreadable(Status, reason, redactor);
            if (TooLarge) throw Unreadable($"it is larger than {Transport.MaxAnswerBytes} bytes, more than any answer of NordPay's");
            JsonDocument document;
            try
            {
                // JSON is UTF-8 (RFC 8259); a byte order mark is allowed before it.
                var body = Body.AsMemory();
                document = JsonDocument.Parse(body.Span.StartsWith(Utf8Bom) ? body.Slice(Utf8Bom.Length) : body);
            }
            catch (JsonException ex)
            {
                throw Unreadable("it is not JSON (" + ex.Message + ")");
            }
            using (document)
            {
                var root = document.RootElement;
                if (JsonKeys.FirstRepeated(root) is { } repeated) throw Unreadable($"it gives '{repeated}' more than once in one object");
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var success)
                    && (success.ValueKind == JsonValueKind.True || success.ValueKind == JsonValueKind.False))
                {
                    if (success.ValueKind == JsonValueKind.False) throw ApiError.FromResponse(400, Text, redactor);
                    if (!root.TryGetProperty("data", out var data)) throw Unreadable("the envelope has no 'data'");
                    return new JsonPayload(data.Clone(), Unreadable);
                }
                return new JsonPayload(root.Clone(), Unreadable);
            }
        }
    }
}
