using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Policy
{
    /// <summary>
    /// Reads an address book: a comma-separated file as Export-Csv writes it (fields in quotes when needed, "" for a
    /// quote; the "#TYPE" first line of Windows PowerShell's Export-Csv is skipped) whose header names a Currency and an
    /// Address column, and optionally Label; other columns are ignored. Currencies and addresses are used exactly as
    /// written, blanks around them aside, so one that is empty or holds a blank or invisible character refuses the file
    /// whole, as does a file with no address: a book is imported entirely or not at all.
    /// </summary>
    internal static class AddressBookFile
    {
        public static IReadOnlyList<NordPayAddressBookEntry> Read(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw new NordPayException("AddressBookNotFound", ErrorKind.ObjectNotFound, $"There is no address book {path}.", "AddressBook",
                    recommendedAction: "Give the path of a CSV file with Currency, Address and Label columns.", inner: ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new NordPayException("AddressBookUnreadable", ErrorKind.InvalidOperation, $"The address book {path} cannot be read: {ex.Message}", "AddressBook",
                    recommendedAction: "Give the path of a file this account can read.", inner: ex);
            }
            return Parse(text, path);
        }

        /// <summary>The entries of a book's text; <paramref name="source"/> names it in errors.</summary>
        public static IReadOnlyList<NordPayAddressBookEntry> Parse(string text, string source)
        {
            var records = Records(text, source).Where(r => r.Fields.Any(f => f.Trim().Length > 0)).ToList();
            if (records.Count > 0 && records[0].Fields[0].StartsWith("#TYPE", StringComparison.Ordinal)) records.RemoveAt(0);
            if (records.Count == 0) throw Invalid($"{source} is empty.");
            var header = records[0].Fields.Select(HeaderText.Visible).ToList();
            int Column(string name) => header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            var (currency, address, label) = (Column("Currency"), Column("Address"), Column("Label"));
            if (currency < 0 || address < 0)
                throw Invalid($"{source} has no {(currency < 0 ? "Currency" : "Address")} column; its columns are {string.Join(", ", header.Select(h => "'" + h + "'"))}. " +
                              "An address book is comma-separated, with a header naming Currency, Address and Label.");

            var entries = new List<NordPayAddressBookEntry>();
            foreach (var (line, fields) in records.Skip(1))
            {
                string Field(int index) => index >= 0 && index < fields.Count ? fields[index] : string.Empty;
                try
                {
                    var name = Field(label).Trim();
                    entries.Add(new NordPayAddressBookEntry(InputText.RequireToken(Field(currency), "Currency"), InputText.RequireToken(Field(address), "Address"),
                        name.Length == 0 ? null : name));
                }
                catch (NordPayException ex)
                {
                    throw Invalid($"Line {line} of {source}: {ex.Message}");
                }
            }
            if (entries.Count == 0) throw Invalid($"{source} lists no address; a policy with an empty address book would pay nothing.");
            return entries;
        }

        // The file's records with the line each starts on; a quoted field may hold commas and line breaks.
        private static IEnumerable<(int Line, List<string> Fields)> Records(string text, string source)
        {
            var fields = new List<string>();
            var field = new StringBuilder();
            var (line, start, quoted) = (1, 1, false);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                    else quoted = false;
                    if (c == '\n') line++;
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '\r' || c == '\n')
                {
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    fields.Add(field.ToString());
                    yield return (start, fields);
                    (fields, start) = (new List<string>(), ++line);
                    field.Clear();
                }
                else field.Append(c);
            }
            if (quoted) throw Invalid($"Line {start} of {source} opens a quoted field that is never closed.");
            if (field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                yield return (start, fields);
            }
        }

        private static NordPayException Invalid(string message) =>
            new NordPayException("AddressBookInvalid", ErrorKind.InvalidData, message, "AddressBook",
                recommendedAction: "Correct the file (Currency,Address,Label, comma-separated) and import it again; the policy was not changed.");
    }
}
