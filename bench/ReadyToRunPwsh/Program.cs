// pwsh's own entry point, as the shipped pwsh has it.
public static class Program
{
    public static int Main(string[] args) => Microsoft.PowerShell.UnmanagedPSEntry.Start(args, args.Length);
}
