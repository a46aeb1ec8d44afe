using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Samverkan.Postgres;

/// <summary>One embedded migration file, read and hashed.</summary>
internal sealed record Migration(string Id, string Module, string Sql, string Checksum)
{
    private const string FolderMarker = ".Migrations.";

    /// <summary>Reads the migrations of every source, in the order of the sources, then by file name.</summary>
    public static IReadOnlyList<Migration> Load(IEnumerable<MigrationSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var result = new List<Migration>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var modules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            ArgumentNullException.ThrowIfNull(source);
            ArgumentException.ThrowIfNullOrWhiteSpace(source.Module);
            ArgumentNullException.ThrowIfNull(source.Assembly);
            if (!modules.Add(source.Module))
            {
                // The same module twice (for example registered twice) adds nothing.
                continue;
            }

            foreach (var (fileName, resourceName) in FindFiles(source.Assembly).OrderBy(f => f.FileName, StringComparer.Ordinal))
            {
                var sql = Read(source.Assembly, resourceName);
                var id = string.Create(CultureInfo.InvariantCulture, $"{source.Module}/{fileName[..^4]}");
                if (!ids.Add(id))
                {
                    throw new InvalidOperationException($"Migration '{id}' is defined twice.");
                }

                result.Add(new Migration(id, source.Module, sql, ComputeChecksum(sql)));
            }
        }

        return result;
    }

    /// <summary>SHA-256 (lower-case hex) of the file text with line endings normalised to LF.</summary>
    public static string ComputeChecksum(string sql)
    {
        var normalized = sql.ReplaceLineEndings("\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    /// <summary>
    /// The resources <c>{assembly name}.Migrations.{file}.sql</c>: the files of the project's own <c>Migrations</c> folder
    /// (the root namespace is the project name, see Directory.Build.props), not of sub-folders.
    /// </summary>
    private static IEnumerable<(string FileName, string ResourceName)> FindFiles(Assembly assembly)
    {
        var prefix = assembly.GetName().Name + FolderMarker;
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = name[prefix.Length..];
            if (fileName.IndexOf('.', StringComparison.Ordinal) != fileName.Length - 4)
            {
                continue;
            }

            yield return (fileName, name);
        }
    }

    private static string Read(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded migration '{resourceName}' cannot be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
