using System;
using System.Globalization;
using System.Linq;

namespace NordPay.Core
{
    /// <summary>Column names as a person reads them: what a wrong encoding or a spreadsheet adds invisibly is set aside.</summary>
    internal static class HeaderText
    {
        // A UTF-8 byte-order mark read as Windows-1252, as Windows PowerShell 5.1's Import-Csv reads a UTF-8 file.
        private const string MisreadBom = "\u00EF\u00BB\u00BF";

        /// <summary>The name without format characters (byte-order mark, zero-width spaces and joiners, direction marks), control characters and outer blanks.</summary>
        public static string Visible(string name)
        {
            var text = name.StartsWith(MisreadBom, StringComparison.Ordinal) ? name.Substring(MisreadBom.Length) : name;
            return new string(text.Where(c => !char.IsControl(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format).ToArray()).Trim();
        }
    }
}
