namespace Samverkan.Actors;
internal static class AssemblyMarker;
