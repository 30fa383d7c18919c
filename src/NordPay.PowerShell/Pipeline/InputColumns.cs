using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace NordPay.Pipeline
{
    /// <summary>
    /// The columns of an input row: an object's properties, or a hashtable's keys. PowerShell binds no parameter from a
    /// hashtable's keys, so <c>@{ Currency = ...; Address = ...; Amount = '...' }</c> is read here as a row like any other.
    /// </summary>
    internal static class InputColumns
    {
        public static IEnumerable<KeyValuePair<string, object?>> Of(PSObject? input)
        {
            if (input?.BaseObject is IDictionary dictionary)
                return dictionary.Keys.Cast<object>().Select(key => Column(key.ToString() ?? string.Empty, dictionary[key]));
            // Data only: a script property may be slow, or throw, and PowerShell's own binding already read it.
            return (input?.Properties ?? Enumerable.Empty<PSPropertyInfo>())
                .Where(p => (p.MemberType & (PSMemberTypes.NoteProperty | PSMemberTypes.Property | PSMemberTypes.AliasProperty)) != 0)
                .Select(p => Column(p.Name, p.Value));
        }

        /// <summary>The columns as text, numbers and dates written invariantly.</summary>
        public static IReadOnlyList<KeyValuePair<string, string?>> Text(PSObject? input) =>
            Of(input).Select(c => new KeyValuePair<string, string?>(c.Key, Text(c.Value))).ToList();

        /// <summary>A value as a cell of text: numbers and dates invariantly.</summary>
        public static string? Text(object? value) => value is System.IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString();

        private static KeyValuePair<string, object?> Column(string name, object? value) =>
            new KeyValuePair<string, object?>(name, value is PSObject wrapped ? wrapped.BaseObject : value);
    }
}
