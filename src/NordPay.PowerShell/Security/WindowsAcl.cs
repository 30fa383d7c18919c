using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;

namespace NordPay.Security
{
    /// <summary>
    /// Owner-only on Windows: a protected ACL (no inherited entry) granting the user, SYSTEM and Administrators only; and
    /// who else may change a folder or file, read from its security descriptor in SDDL. The decisions are plain text
    /// functions; the calls into Windows (advapi32) are the few lines at the end.
    /// </summary>
    internal static class WindowsAcl
    {
        private const string System = "SY";
        private const string Administrators = "BA";

        // Rights that change what a folder holds: add a file, delete one, delete the folder, change its ACL or owner.
        // Adding a subfolder (0x4) is left out: it cannot replace a file, and every drive's root grants it to Users.
        private const uint FolderWrites = 0x2 | 0x40 | 0x10000 | 0x40000 | 0x80000 | GenericWrite | GenericAll;
        // Rights that change a file: write or append data, delete it, change its ACL or owner.
        private const uint FileWrites = 0x2 | 0x4 | 0x10000 | 0x40000 | 0x80000 | GenericWrite | GenericAll;
        private const uint GenericWrite = 0x40000000;
        private const uint GenericAll = 0x10000000;

        // SDDL's right codes (learn.microsoft.com, "Ace strings"): the directory-service codes stand for the same bits in a file's ACE.
        private static readonly Dictionary<string, uint> Rights = new Dictionary<string, uint>(StringComparer.Ordinal)
        {
            ["GA"] = GenericAll, ["GR"] = 0x80000000, ["GW"] = GenericWrite, ["GX"] = 0x20000000,
            ["RC"] = 0x20000, ["SD"] = 0x10000, ["WD"] = 0x40000, ["WO"] = 0x80000,
            ["CC"] = 0x1, ["DC"] = 0x2, ["LC"] = 0x4, ["SW"] = 0x8, ["RP"] = 0x10, ["WP"] = 0x20, ["DT"] = 0x40, ["LO"] = 0x80, ["CR"] = 0x100,
            ["FA"] = 0x1F01FF, ["FR"] = 0x120089, ["FW"] = 0x120116, ["FX"] = 0x1200A0,
        };

        private static readonly Dictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["WD"] = "Everyone", ["AU"] = "Authenticated Users", ["BU"] = "Users", ["BG"] = "Guests", ["IU"] = "Interactive users",
            ["NU"] = "Network logon users", ["DU"] = "Domain Users", ["CO"] = "Creator Owner",
        };

        /// <summary>The protected ACL of an owner-only folder (inherited by what it holds) or file.</summary>
        public static string OwnerOnly(string userSid, bool directory)
        {
            var inherit = directory ? "OICI" : string.Empty;
            return $"D:P(A;{inherit};FA;;;{userSid})(A;{inherit};FA;;;{System})(A;{inherit};FA;;;{Administrators})";
        }

        /// <summary>
        /// Who other than the user, SYSTEM and Administrators may change a folder or file, from its owner and ACL in SDDL:
        /// an owner of its own (an owner may always rewrite the ACL), and every allowing entry that applies to it (not
        /// inherit-only) with a right that changes it. Deny entries are not weighed against them: a folder is private
        /// only when nothing allows another. What cannot be read counts as allowing everything.
        /// </summary>
        public static IReadOnlyList<string> OtherWriters(string sddl, string userSid, bool directory)
        {
            var trusted = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { userSid, System, Administrators, "S-1-5-18", "S-1-5-32-544" };
            var others = new List<string>();
            var owner = Section(sddl, 'O');
            if (owner != null && !trusted.Contains(owner)) others.Add(Named(owner) + " (its owner)");
            var dacl = Section(sddl, 'D');
            if (dacl == null || dacl.StartsWith("NO_ACCESS_CONTROL", StringComparison.Ordinal)) return others.Append(Named("WD")).ToList();
            var writes = directory ? FolderWrites : FileWrites;
            foreach (var ace in Aces(dacl))
            {
                var fields = ace.Split(';');
                if (fields.Length < 6 || !fields[0].EndsWith("A", StringComparison.Ordinal)) continue; // A, OA, XA, ZA allow; D, OD, AU, ... do not
                if (Pairs(fields[1]).Contains("IO")) continue;
                var sid = fields[5];
                if (!trusted.Contains(sid) && (Mask(fields[2]) & writes) != 0 && !others.Contains(Named(sid))) others.Add(Named(sid));
            }
            return others;
        }

        private static string Named(string sid) => Names.TryGetValue(sid, out var name) ? name : sid;

        // The text after "O:", "G:", "D:" or "S:" up to the next of them outside an ACE.
        private static string? Section(string sddl, char tag)
        {
            var depth = 0;
            int start = -1;
            for (var i = 0; i < sddl.Length; i++)
            {
                var c = sddl[i];
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (depth == 0 && i + 1 < sddl.Length && sddl[i + 1] == ':' && "OGDS".IndexOf(c) >= 0 && (i == 0 || sddl[i - 1] != ':'))
                {
                    if (start >= 0) return sddl.Substring(start, i - start);
                    if (c == tag) start = i + 2;
                    i++;
                }
            }
            return start >= 0 ? sddl.Substring(start) : null;
        }

        private static IEnumerable<string> Aces(string dacl)
        {
            var depth = 0;
            var start = 0;
            for (var i = 0; i < dacl.Length; i++)
            {
                if (dacl[i] == '(' && depth++ == 0) start = i + 1;
                else if (dacl[i] == ')' && --depth == 0) yield return dacl.Substring(start, i - start);
            }
        }

        private static List<string> Pairs(string codes) =>
            Enumerable.Range(0, codes.Length / 2).Select(i => codes.Substring(2 * i, 2)).ToList();

        private static uint Mask(string rights)
        {
            if (rights.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                return uint.TryParse(rights.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : uint.MaxValue;
            if (rights.Length % 2 != 0) return uint.MaxValue;
            return Pairs(rights).Aggregate(0u, (mask, code) => mask | (Rights.TryGetValue(code, out var bits) ? bits : uint.MaxValue));
        }

        // ---- Windows only ----

        private const int FileObject = 1; // SE_FILE_OBJECT
        private const uint OwnerInformation = 0x1;
        private const uint DaclInformation = 0x4;
        private const uint ProtectedDacl = 0x80000000;

        private static readonly Lazy<string> User = new Lazy<string>(ReadCurrentUser);

        /// <summary>The current user's SID, as SDDL writes it.</summary>
        public static string CurrentUser => User.Value;

        /// <summary>Gives a folder or file the owner-only protected ACL, replacing what it had and inherited.</summary>
        public static void Protect(string path, bool directory)
        {
            if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(OwnerOnly(CurrentUser, directory), 1, out var descriptor, out _))
                throw new Win32Exception(Marshal.GetLastWin32Error());
            try
            {
                if (!GetSecurityDescriptorDacl(descriptor, out _, out var dacl, out _)) throw new Win32Exception(Marshal.GetLastWin32Error());
                var error = SetNamedSecurityInfoW(path, FileObject, DaclInformation | ProtectedDacl, IntPtr.Zero, IntPtr.Zero, dacl, IntPtr.Zero);
                if (error != 0) throw new Win32Exception((int)error);
            }
            finally
            {
                LocalFree(descriptor);
            }
        }

        /// <summary>A folder's or file's owner and ACL in SDDL.</summary>
        public static string Read(string path)
        {
            var error = GetNamedSecurityInfoW(path, FileObject, OwnerInformation | DaclInformation, out _, out _, out _, out _, out var descriptor);
            if (error != 0) throw new Win32Exception((int)error);
            try
            {
                if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, 1, OwnerInformation | DaclInformation, out var text, out _))
                    throw new Win32Exception(Marshal.GetLastWin32Error());
                try
                {
                    return Marshal.PtrToStringUni(text)!;
                }
                finally
                {
                    LocalFree(text);
                }
            }
            finally
            {
                LocalFree(descriptor);
            }
        }

        private static string ReadCurrentUser()
        {
            if (!OpenProcessToken(GetCurrentProcess(), 0x8 /* TOKEN_QUERY */, out var token)) throw new Win32Exception(Marshal.GetLastWin32Error());
            try
            {
                GetTokenInformation(token, 1 /* TokenUser */, IntPtr.Zero, 0, out var length);
                var buffer = Marshal.AllocHGlobal(length);
                try
                {
                    if (!GetTokenInformation(token, 1, buffer, length, out _)) throw new Win32Exception(Marshal.GetLastWin32Error());
                    // TOKEN_USER starts with the SID's address.
                    if (!ConvertSidToStringSidW(Marshal.ReadIntPtr(buffer), out var text)) throw new Win32Exception(Marshal.GetLastWin32Error());
                    try
                    {
                        return Marshal.PtrToStringUni(text)!;
                    }
                    finally
                    {
                        LocalFree(text);
                    }
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
            finally
            {
                CloseHandle(token);
            }
        }

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr descriptor, out uint size);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertSecurityDescriptorToStringSecurityDescriptorW(IntPtr descriptor, uint revision, uint information, out IntPtr sddl, out uint length);

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool GetSecurityDescriptorDacl(IntPtr descriptor, out bool present, out IntPtr dacl, out bool defaulted);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
        private static extern uint SetNamedSecurityInfoW(string name, int type, uint information, IntPtr owner, IntPtr group, IntPtr dacl, IntPtr sacl);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
        private static extern uint GetNamedSecurityInfoW(string name, int type, uint information, out IntPtr owner, out IntPtr group, out IntPtr dacl, out IntPtr sacl, out IntPtr descriptor);

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool GetTokenInformation(IntPtr token, int informationClass, IntPtr information, int length, out int returned);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertSidToStringSidW(IntPtr sid, out IntPtr text);

        [DllImport("kernel32.dll")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CloseHandle(IntPtr handle);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr memory);
    }
}
