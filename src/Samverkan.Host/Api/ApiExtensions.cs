using System.Text.Json.Serialization;

namespace Samverkan.Host.Api;

/// <summary>The versioned JSON API under <c>/api/v1</c>.</summary>
public static class ApiExtensions
{
    public static IHostApplicationBuilder AddSamverkanApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var production = builder.Environment.IsProduction();
        builder.Services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentityOptions.SectionName)
            .Validate(o => string.IsNullOrEmpty(o.PseudonymSecret) ? !production : IsSecret(o.PseudonymSecret), "Samverkan:Identity:PseudonymSecret must be set (base64, at least 32 bytes).")
            .ValidateOnStart();
        builder.Services.AddSingleton<Security.PseudonymSecret>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Security.PseudonymSecret>()); // after the migrations
        builder.Services.AddSingleton<ChildIdentity>();
        builder.Services.AddSingleton<Statistics.StatisticsScope>();
        builder.Services.AddSingleton<Statistics.StatisticsQuery>();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    public static IEndpointRouteBuilder MapSamverkanApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAbsenceApi();
        app.MapConcernApi();
        app.MapRosterApi();
        app.MapCaseApi();
        app.MapChildApi();
        app.MapConsentApi();
        Alerts.AlertApi.MapAlertApi(app);
        app.MapCaseWorkApi();
        app.MapChildCaseWorkApi();
        Alerts.CaseAlertsApi.MapCaseAlertsApi(app);
        Webhooks.WebhookApi.MapWebhookApi(app);
        Statistics.StatisticsApi.MapStatisticsApi(app);
        SchoolSync.SchoolSyncApi.MapSchoolSyncApi(app);
        return app;
    }

    private static bool IsSecret(string value)
    {
        Span<byte> buffer = stackalloc byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var length) && length >= Domain.Identity.PseudonymousKey.MinimumSecretLength;
    }
}
