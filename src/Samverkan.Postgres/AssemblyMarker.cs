namespace Samverkan.Postgres;
internal static class AssemblyMarker;
