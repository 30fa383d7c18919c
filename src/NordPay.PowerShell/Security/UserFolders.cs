using System;
using System.Runtime.InteropServices;
using NordPay.Core;

namespace NordPay.Security
{
    /// <summary>
    /// Where the module keeps the current user's files: the configuration folder (profiles, policies) and the spill
    /// folder. Every folder is fully qualified, or the module refuses to start: a relative folder would follow the
    /// process's working directory, and a scheduled job's differs from a person's.
    /// </summary>
    internal sealed class UserFolders
    {
        private readonly bool _windows;
        private readonly Func<string, string?> _environment;
        private readonly Func<Environment.SpecialFolder, string> _specialFolder;

        public UserFolders(bool windows, Func<string, string?> environment, Func<Environment.SpecialFolder, string> specialFolder)
        {
            _windows = windows;
            _environment = environment;
            _specialFolder = specialFolder;
        }

        // DoNotVerify: an account whose profile folders were never created (a fresh service account) still gets their
        // path, where the default would give "" and leave a relative folder.
        public static UserFolders Current { get; } = new UserFolders(RuntimeInformation.IsOSPlatform(OSPlatform.Windows),
            Environment.GetEnvironmentVariable, folder => Environment.GetFolderPath(folder, Environment.SpecialFolderOption.DoNotVerify));

        /// <summary>NORDPAY_CONFIG_DIR, else %LOCALAPPDATA%\NordPay.PowerShell on Windows (not roaming: DPAPI blobs do not travel), else $XDG_CONFIG_HOME or ~/.config.</summary>
        public string Config
        {
            get
            {
                var configured = _environment(KeyStore.DirectoryVariable);
                if (!string.IsNullOrWhiteSpace(configured))
                {
                    if (!IsFullyQualified(configured!))
                        throw new NordPayException("InvalidConfigDirectory", ErrorKind.InvalidArgument,
                            $"{KeyStore.DirectoryVariable} is '{configured}', which is not an absolute path" +
                            (_windows ? " (a path such as \\nordpay or C:nordpay depends on the current drive or its current folder)." : "."),
                            KeyStore.DirectoryVariable,
                            recommendedAction: $"Set {KeyStore.DirectoryVariable} to an absolute path, such as /srv/payouts/nordpay or D:\\payouts\\nordpay.");
                    return configured!;
                }
                return _windows ? Combine(LocalApplicationData(), "NordPay.PowerShell") : Combine(XdgRoot("XDG_CONFIG_HOME", ".config"), "nordpay-powershell");
            }
        }

        /// <summary>The user's private folder for spill files: the local application data on Windows, else the XDG cache folder.</summary>
        public string Spill => _windows
            ? Combine(Combine(LocalApplicationData(), "NordPay.PowerShell"), "spill")
            : Combine(Combine(XdgRoot("XDG_CACHE_HOME", ".cache"), "nordpay-powershell"), "spill");

        /// <summary>
        /// True for a path that names one folder wherever the process runs: on Windows a drive and a root (C:\x) or a UNC
        /// path (\\server\share), never \x (the current drive) or C:x (that drive's current folder); elsewhere /x.
        /// </summary>
        public bool IsFullyQualified(string path)
        {
            if (!_windows) return path.StartsWith("/", StringComparison.Ordinal);
            static bool Separator(char c) => c == '\\' || c == '/';
            if (path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && Separator(path[2])) return true;
            return path.Length >= 3 && Separator(path[0]) && Separator(path[1]) && !Separator(path[2]);
        }

        private string LocalApplicationData() => Special(Environment.SpecialFolder.LocalApplicationData, "local application data folder");

        // The XDG base directory spec: a relative value is invalid and ignored.
        private string XdgRoot(string variable, string underHome)
        {
            var xdg = _environment(variable);
            return !string.IsNullOrWhiteSpace(xdg) && IsFullyQualified(xdg!) ? xdg! : Combine(Special(Environment.SpecialFolder.UserProfile, "home folder"), underHome);
        }

        private string Special(Environment.SpecialFolder folder, string what)
        {
            var path = _specialFolder(folder);
            if (!string.IsNullOrEmpty(path) && IsFullyQualified(path)) return path;
            throw new NordPayException("InvalidConfigDirectory", ErrorKind.InvalidArgument,
                $"This account has no {what} ({(string.IsNullOrEmpty(path) ? "none was given" : $"'{path}' is not an absolute path")}), so the module has nowhere to keep its files.",
                KeyStore.DirectoryVariable,
                recommendedAction: $"Set {KeyStore.DirectoryVariable} to an absolute path this account owns, such as /srv/payouts/nordpay or D:\\payouts\\nordpay.");
        }

        // The platform's separator: on Linux the tests give Windows paths, which only their own separator keeps apart.
        private string Combine(string folder, string name) =>
            folder.TrimEnd('\\', '/') + (_windows ? "\\" : "/") + name;
    }
}
