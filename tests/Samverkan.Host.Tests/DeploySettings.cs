using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Samverkan.Coordination.Cases;
using Samverkan.Domain.Cases;
using Samverkan.Host.Alerts;
using Samverkan.Host.Api;
using Samverkan.Host.Database;
using Samverkan.Host.Demo;
using Samverkan.Host.Errors;
using Samverkan.Host.Hosting;
using Samverkan.Host.Retention;
using Samverkan.Host.Security;
using Samverkan.Host.Silo;
using Samverkan.Host.Telemetry;
using Samverkan.Host.Webhooks;
using Samverkan.Postgres;

namespace Samverkan.Host.Tests;

/// <summary>
/// The settings the host binds, to check what the deployment files pass: every configuration section the host binds
/// (each options class under the section name its registration uses) and the few keys it reads one by one. A key is
/// a setting when its path leads from a section through public properties (case-insensitive, as the configuration
/// binder matches) to a value the binder can convert from text.
/// </summary>
internal static class DeploySettings
{
    /// <summary>Section → the options type bound to it (the same constants the registrations use).</summary>
    public static readonly IReadOnlyDictionary<string, Type> Sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [DatabaseOptions.SectionName] = typeof(DatabaseOptions),
        ["Samverkan:LocalPostgres"] = typeof(LocalPostgresOptions),
        [HttpLimitsOptions.SectionName] = typeof(HttpLimitsOptions),
        [ProxyOptions.SectionName] = typeof(ProxyOptions),
        [SiloOptions.SectionName] = typeof(SiloOptions),
        [IdentityOptions.SectionName] = typeof(IdentityOptions),
        [SamverkanAuthenticationOptions.SectionName] = typeof(SamverkanAuthenticationOptions),
        [SamverkanAuditOptions.SectionName] = typeof(SamverkanAuditOptions),
        [SamverkanRateLimitOptions.SectionName] = typeof(SamverkanRateLimitOptions),
        [AlertStreamOptions.SectionName] = typeof(AlertStreamOptions),
        [WebhookOptions.SectionName] = typeof(WebhookOptions),
        [RetentionOptions.SectionName] = typeof(RetentionOptions),
        [CaseWorkServiceCollectionExtensions.SectionName] = typeof(CaseWorkPolicy),
        [DemoSimulatorOptions.SectionName] = typeof(DemoSimulatorOptions),
        [DevUserDirectory.SectionName] = typeof(List<DevUser>),
    };

    /// <summary>Keys read one by one (<c>IConfiguration.GetValue</c>, <c>GetConnectionString</c>), with their type.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Keys = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:" + DatabaseOptions.ConnectionStringName] = typeof(string),
        [DemoData.EnabledSetting] = typeof(bool),
    };

    /// <summary>
    /// The OpenTelemetry SDK's own variables the deployment may pass (read by the SDK and the OTLP exporter, or by
    /// <see cref="TelemetryExtensions"/>), and ASP.NET Core's.
    /// </summary>
    public static readonly IReadOnlySet<string> PlatformVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        TelemetryExtensions.OtlpEndpointVariable,
        TelemetryExtensions.MetricExportIntervalVariable,
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
        "ASPNETCORE_ENVIRONMENT",
        "ASPNETCORE_HTTP_PORTS",
        "ASPNETCORE_URLS",
    };

    /// <summary>The configuration path of an environment variable (<c>__</c> is <c>:</c>).</summary>
    public static string PathOf(string variable) => variable.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>
    /// Null when <paramref name="path"/> is a setting the host binds (and <paramref name="value"/>, when literal, converts
    /// to its type); else why not.
    /// </summary>
    public static string? Problem(string path, string? value)
    {
        Type? target;
        if (Keys.TryGetValue(path, out var keyType))
        {
            target = keyType;
        }
        else
        {
            var section = Sections.Keys
                .Where(s => path.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(s => s.Length)
                .FirstOrDefault();
            if (section is null)
            {
                return $"{path}: no section of the host binds it";
            }

            var segments = path[(section.Length + 1)..].Split(':');
            target = Resolve(Sections[section], segments, 0);
            if (target is null)
            {
                return $"{path}: {Sections[section].Name} (section {section}) has no such setting";
            }
        }

        var scalar = Nullable.GetUnderlyingType(target) ?? target;
        var converter = TypeDescriptor.GetConverter(scalar);
        if (scalar != typeof(string) && !converter.CanConvertFrom(typeof(string)))
        {
            return $"{path}: is a section ({scalar.Name}), not a value";
        }

        if (value is null || IsReference(value) || scalar == typeof(string))
        {
            return null;
        }

        try
        {
            _ = converter.ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or NotSupportedException || exception.InnerException is FormatException)
        {
            return $"{path}: '{value}' is not a {scalar.Name}";
        }
    }

    /// <summary>A value filled in by the platform: Kubernetes' <c>$(VAR)</c> or compose's <c>${VAR…}</c>.</summary>
    public static bool IsReference(string value) => value.Contains("$(", StringComparison.Ordinal) || value.Contains("${", StringComparison.Ordinal);

    private static Type? Resolve(Type type, string[] segments, int index)
    {
        if (index == segments.Length)
        {
            return type;
        }

        var segment = segments[index];
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
        {
            return Resolve(type.GetGenericArguments()[1], segments, index + 1);
        }

        if (type != typeof(string) && ElementType(type) is { } element)
        {
            return int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? Resolve(element, segments, index + 1) : null;
        }

        var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.GetIndexParameters().Length > 0)
        {
            return null;
        }

        // The binder sets a property with a public setter; a get-only one only when it is an object it can fill.
        var settable = property.SetMethod is { IsPublic: true };
        var scalar = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (!settable && (scalar == typeof(string) || scalar.IsValueType))
        {
            return null;
        }

        return Resolve(property.PropertyType, segments, index + 1);
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1
            ? type.GetGenericArguments()[0]
            : null;
    }
}
