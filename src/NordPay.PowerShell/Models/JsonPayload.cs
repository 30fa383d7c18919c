using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>Reads typed fields out of a response payload; numbers may come as JSON numbers or strings.</summary>
    internal sealed class JsonPayload
    {
        private readonly JsonElement _root;
        private readonly Func<string, Exception> _unreadable;

        public JsonPayload(JsonElement root, Func<string, Exception> unreadable)
        {
            if (root.ValueKind != JsonValueKind.Object && root.ValueKind != JsonValueKind.Array) throw unreadable("the payload is neither a JSON object nor a list");
            _root = root;
            _unreadable = unreadable;
        }

        /// <summary>The objects of a payload that is itself a list.</summary>
        public IEnumerable<JsonPayload> Items()
        {
            if (_root.ValueKind != JsonValueKind.Array) throw _unreadable("the payload is not a list");
            foreach (var item in _root.EnumerateArray()) yield return new JsonPayload(item, _unreadable);
        }

        public bool Boolean(string name) =>
            TryGet(name, out var value) && (value.ValueKind == JsonValueKind.True || value.ValueKind == JsonValueKind.False)
                ? value.GetBoolean()
                : throw _unreadable($"field '{name}' is not true or false");

        /// <summary>An object field read as names and amounts, such as {"balances": {"BTC": "0.1"}}.</summary>
        public IEnumerable<KeyValuePair<string, decimal>> AmountsByName(string name)
        {
            if (!TryGet(name, out var value) || value.ValueKind != JsonValueKind.Object) throw _unreadable($"field '{name}' is not an object");
            var names = new JsonPayload(value, _unreadable);
            foreach (var property in value.EnumerateObject()) yield return new KeyValuePair<string, decimal>(property.Name, names.Decimal(property.Name));
        }

        public string? OptionalString(string name) =>
            TryGet(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;

        public string String(string name) => OptionalString(name) ?? throw Missing(name);

        public decimal? OptionalDecimal(string name) => ReadDecimal(name, out var amount) is { } problem ? throw _unreadable(problem) : amount;

        /// <summary>A number that may be missing or unreadable: null then, never zero.</summary>
        public decimal? DecimalOrUnknown(string name) => ReadDecimal(name, out var amount) == null ? amount : null;

        /// <summary>A string field that may be missing or of another type: null then.</summary>
        public string? StringOrUnknown(string name) =>
            TryGet(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        public decimal Decimal(string name) => OptionalDecimal(name) ?? throw Missing(name);

        public long Int64(string name)
        {
            var text = String(name);
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw _unreadable($"field '{name}' is not an integer: '{text}'");
        }

        public Guid Guid(string name)
        {
            var text = String(name);
            return System.Guid.TryParse(text, out var id) ? id : throw _unreadable($"field '{name}' is not a UUID: '{text}'");
        }

        public DateTimeOffset Timestamp(string name)
        {
            var text = String(name);
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? time
                : throw _unreadable($"field '{name}' is not a timestamp: '{text}'");
        }

        /// <summary>The objects of an array field.</summary>
        public IEnumerable<JsonPayload> Array(string name)
        {
            if (!TryGet(name, out var value) || value.ValueKind != JsonValueKind.Array) throw _unreadable($"field '{name}' is not a list");
            foreach (var item in value.EnumerateArray()) yield return new JsonPayload(item, _unreadable);
        }

        /// <summary>The error for a payload that is not what was expected.</summary>
        public Exception Unreadable(string reason) => _unreadable(reason);

        // Why the field is not a number (null when it is one, or is missing or null: then amount is null).
        private string? ReadDecimal(string name, out decimal? amount)
        {
            amount = null;
            if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty
                : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
                : null;
            if (text == null) return $"field '{name}' is not a number";
            if (!Amount.TryParseServer(text, out var parsed)) return $"field '{name}' is not a number an exact decimal holds: '{text}'";
            amount = parsed;
            return null;
        }

        private bool TryGet(string name, out JsonElement value)
        {
            value = default;
            return _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out value);
        }

        private Exception Missing(string name) => _unreadable($"field '{name}' is missing");
    }
}
