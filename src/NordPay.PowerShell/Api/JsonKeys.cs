using System;
using System.Collections.Generic;
using System.Text.Json;

namespace NordPay.Api
{
    /// <summary>
    /// Repeated keys in NordPay's answers. JSON leaves an object that names a key twice undefined and readers differ
    /// (System.Text.Json takes the last), so such an answer can say two things at once: it is read as saying nothing.
    /// </summary>
    internal static class JsonKeys
    {
        /// <summary>The first key some object of the value names more than once; null when none does.</summary>
        public static string? FirstRepeated(JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                    if (FirstRepeated(item) is { } repeated) return repeated;
            }
            else if (value.ValueKind == JsonValueKind.Object)
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject())
                {
                    if (!names.Add(property.Name)) return property.Name;
                    if (FirstRepeated(property.Value) is { } repeated) return repeated;
                }
            }
            return null;
        }
    }
}
