using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Security;

namespace NordPay.Pipeline
{
    /// <summary>
    /// A batch's input rows, written to a file as they arrive and read back in order, so a batch of any size keeps no
    /// row in memory. A row read back carries its input rebuilt from its columns, for the TargetObject of its errors; a row
    /// that could not be read is kept in its place too, with why, for the report of the run.
    /// The columns may be anyone's personal data: the file is owner-only in a private folder, encrypted with a key that
    /// exists only in this process's memory (each line authenticated), and deleted when the run ends; files left by
    /// runs that crashed are deleted by the next run.
    /// </summary>
    internal sealed class RowSpill : IDisposable
    {
        private const string Extension = ".rows";
        private static readonly TimeSpan OpeningGrace = TimeSpan.FromMinutes(1);
        private readonly FileStream _file;
        private readonly StreamWriter _writer;
        // Keys that exist only in this process's memory: what a crash leaves behind cannot be read.
        private readonly Aes _aes = Aes.Create();
        private readonly HMACSHA256 _mac = new HMACSHA256(Random(32));

        public RowSpill()
        {
            var folder = PrivateFiles.Folder(Folder);
            RemoveLeftovers(folder);
            Path = System.IO.Path.Combine(folder, "batch-" + Guid.NewGuid().ToString("N") + Extension);
            _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 65536, FileOptions.DeleteOnClose);
            PrivateFiles.File(Path);
            _writer = new StreamWriter(_file, new UTF8Encoding(false), 65536, leaveOpen: true);
        }

        /// <summary>The user's private folder for spill files (<see cref="UserFolders.Spill"/>).</summary>
        public static string Folder => UserFolders.Current.Spill;

        public string Path { get; }

        /// <summary>The rows that can be paid (rows that could not be read are not counted).</summary>
        public int Count { get; private set; }

        public void Add(PayoutRow row, PSObject? input)
        {
            Write(w =>
            {
                w.WriteNumber("row", row.Row);
                w.WriteString("ref", row.Reference);
                w.WriteBoolean("derived", row.DerivedReference);
                w.WriteString("currency", row.Currency);
                w.WriteString("address", row.Address);
                w.WriteString("amount", Amount.Format(row.Amount));
                WriteColumns(w, InputColumns.Text(input));
            });
            Count++;
        }

        /// <summary>Keeps a row that could not be read in its place, with its columns and why, for the report of the run.</summary>
        public void AddRefused(int row, IReadOnlyList<KeyValuePair<string, string?>> columns, NordPayException error) =>
            Write(w =>
            {
                w.WriteNumber("row", row);
                w.WriteString("errorId", error.ErrorId);
                w.WriteString("message", error.Message);
                WriteColumns(w, columns);
            });

        private void Write(Action<Utf8JsonWriter> fields)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                fields(w);
                w.WriteEndObject();
            }
            _writer.WriteLine(Seal(buffer.ToArray()));
        }

        private static void WriteColumns(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, string?>> columns)
        {
            w.WriteStartArray("columns");
            foreach (var column in columns)
            {
                w.WriteStartArray();
                w.WriteStringValue(column.Key);
                w.WriteStringValue(column.Value);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }

        /// <summary>
        /// The rows in input order; one pass at a time. Rows that could not be read are passed to <paramref name="refused"/>
        /// in their place, when it is given.
        /// </summary>
        public IEnumerable<PayoutRow> Read(Action<RefusedRow>? refused = null)
        {
            _writer.Flush();
            _file.Position = 0;
            using var reader = new StreamReader(_file, new UTF8Encoding(false), false, 65536, leaveOpen: true);
            for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                using var document = JsonDocument.Parse(Open(line));
                var root = document.RootElement;
                var columns = root.GetProperty("columns").EnumerateArray()
                    .Select(c => new KeyValuePair<string, string?>(c[0].GetString()!, c[1].GetString())).ToList();
                if (root.TryGetProperty("errorId", out var errorId))
                {
                    refused?.Invoke(new RefusedRow(root.GetProperty("row").GetInt32(), columns, errorId.GetString()!, root.GetProperty("message").GetString()!));
                    continue;
                }
                PSObject? input = null;
                if (columns.Count > 0)
                {
                    input = new PSObject();
                    foreach (var column in columns) input.Properties.Add(new PSNoteProperty(column.Key, column.Value));
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
            _aes.Dispose();
            _mac.Dispose();
        }

        // A file no live run holds (its exclusive lock went with its process) is a crashed run's: delete it. A run creates
        // its file, then locks it: one written within the grace may be a run's between the two (runspaces starting at once).
        private static void RemoveLeftovers(string folder)
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*" + Extension))
            {
                if (File.GetLastWriteTimeUtc(file) > DateTime.UtcNow - OpeningGrace) continue;
                try
                {
                    new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
                }
                catch (IOException)
                {
                    // Held by a run still going.
                }
            }
        }

        // AES-256-CBC with a fresh IV per line, then HMAC-SHA256 over IV and ciphertext.
        private string Seal(byte[] plain)
        {
            _aes.GenerateIV();
            var iv = _aes.IV;
            using var encryptor = _aes.CreateEncryptor();
            var cipher = encryptor.TransformFinalBlock(plain, 0, plain.Length);
            var sealedLine = new byte[iv.Length + cipher.Length + 32];
            Buffer.BlockCopy(iv, 0, sealedLine, 0, iv.Length);
            Buffer.BlockCopy(cipher, 0, sealedLine, iv.Length, cipher.Length);
            Buffer.BlockCopy(_mac.ComputeHash(sealedLine, 0, iv.Length + cipher.Length), 0, sealedLine, iv.Length + cipher.Length, 32);
            return Convert.ToBase64String(sealedLine);
        }

        private byte[] Open(string line)
        {
            var sealedLine = Convert.FromBase64String(line);
            var expected = _mac.ComputeHash(sealedLine, 0, sealedLine.Length - 32);
            if (!expected.SequenceEqual(sealedLine.Skip(sealedLine.Length - 32)))
                throw new NordPayException("BatchRowsChanged", ErrorKind.InvalidData, $"The batch's rows in {Path} were changed on disk while it ran; it stopped.",
                    recommendedAction: "Run the batch again with the same journal: what was paid is skipped.");
            using var decryptor = _aes.CreateDecryptor(_aes.Key, sealedLine.Take(16).ToArray());
            return decryptor.TransformFinalBlock(sealedLine, 16, sealedLine.Length - 16 - 32);
        }

        private static byte[] Random(int length)
        {
            var bytes = new byte[length];
            using var random = RandomNumberGenerator.Create();
            random.GetBytes(bytes);
            return bytes;
        }
    }

    /// <summary>An input row that could not be read: its number, its columns, and why.</summary>
    internal sealed class RefusedRow
    {
        public RefusedRow(int row, IReadOnlyList<KeyValuePair<string, string?>> columns, string errorId, string message)
        {
            Row = row;
            Columns = columns;
            ErrorId = errorId;
            Message = message;
        }

        public int Row { get; }
        public IReadOnlyList<KeyValuePair<string, string?>> Columns { get; }
        public string ErrorId { get; }
        public string Message { get; }
    }
}
