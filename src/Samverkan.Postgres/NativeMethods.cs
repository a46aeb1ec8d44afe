using System.Runtime.InteropServices;

namespace Samverkan.Postgres;

internal static class NativeMethods
{
    /// <summary>PostgreSQL's "fast" shutdown: roll back open transactions, disconnect, checkpoint, exit.</summary>
    internal const int SigInt = 2;

    /// <summary>PostgreSQL's "immediate" shutdown: exit at once; recovery runs on the next start.</summary>
    internal const int SigQuit = 3;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int Kill(int pid, int signal);
}
