using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using NordPay.Api;
using NordPay.Batch;

namespace NordPay.Commands
{
    /// <summary>
    /// A batch's input rows, written to a temporary file as they arrive and read back in order, so a batch of
    /// any size keeps no row in memory. A row read back carries its input rebuilt from its columns, for the
    /// TargetObject of its errors.
    /// </summary>
    internal sealed class RowSpill : IDisposable
    {
        private readonly FileStream _file;
        private readonly StreamWriter _writer;

        public RowSpill()
        {
            var path = Path.Combine(Path.GetTempPath(), "nordpay-batch-" + Guid.NewGuid().ToString("N") + ".rows");
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 65536, FileOptions.DeleteOnClose);
            _writer = new StreamWriter(_file, new UTF8Encoding(false), 65536, leaveOpen: true);
        }

        public int Count { get; private set; }

        public void Add(PayoutRow row, PSObject? input)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteNumber("row", row.Row);
                w.WriteString("ref", row.Reference);
                w.WriteBoolean("derived", row.DerivedReference);
                w.WriteString("currency", row.Currency);
                w.WriteString("address", row.Address);
                w.WriteString("amount", Amount.Format(row.Amount));
                w.WriteStartArray("columns");
                foreach (var property in input?.Properties ?? (IEnumerable<PSPropertyInfo>)Array.Empty<PSPropertyInfo>())
                {
                    if (property.MemberType != PSMemberTypes.NoteProperty && property.MemberType != PSMemberTypes.Property) continue;
                    w.WriteStartArray();
                    w.WriteStringValue(property.Name);
                    w.WriteStringValue(property.Value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : property.Value?.ToString());
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            _writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            Count++;
        }

        /// <summary>The rows in input order; one pass at a time.</summary>
        public IEnumerable<PayoutRow> Read()
        {
            _writer.Flush();
            _file.Position = 0;
            using var reader = new StreamReader(_file, new UTF8Encoding(false), false, 65536, leaveOpen: true);
            for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var columns = root.GetProperty("columns");
                PSObject? input = null;
                if (columns.GetArrayLength() > 0)
                {
                    input = new PSObject();
                    foreach (var column in columns.EnumerateArray()) input.Properties.Add(new PSNoteProperty(column[0].GetString()!, column[1].GetString()));
                }
                var amount = decimal.Parse(root.GetProperty("amount").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                var currency = root.GetProperty("currency").GetString()!;
                var address = root.GetProperty("address").GetString()!;
                yield return new PayoutRow(root.GetProperty("row").GetInt32(), root.GetProperty("ref").GetString()!, root.GetProperty("derived").GetBoolean(),
                    currency, address, amount, (object?)input ?? $"{Amount.Format(amount)} {currency} {address}");
            }
            _file.Seek(0, SeekOrigin.End);
        }

        public void Dispose()
        {
            _writer.Dispose();
            _file.Dispose();
        }
    }
}
