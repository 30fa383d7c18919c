using System.IO;

namespace NordPay.Core
{
    /// <summary>What a file error says that the code acts on.</summary>
    internal static class FileErrors
    {
        /// <summary>
        /// ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION: another process holds the file open (on Windows, Excel showing a
        /// report, or a reader during a rename), which it will close some day.
        /// </summary>
        public static bool SharingViolation(IOException ex) =>
            ex.HResult == unchecked((int)0x80070020) || ex.HResult == unchecked((int)0x80070021);
    }
}
