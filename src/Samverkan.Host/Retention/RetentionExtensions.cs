namespace Samverkan.Host.Retention;

/// <summary>Retention (gallring): the scheduled culling job and its settings per record kind.</summary>
public static class RetentionExtensions
{
    public static IHostApplicationBuilder AddSamverkanRetention(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RetentionJob>();
        if (builder.Configuration.GetValue($"{RetentionOptions.SectionName}:{nameof(RetentionOptions.Enabled)}", true))
        {
            builder.Services.AddHostedService<RetentionService>();
        }

        return builder;
    }
}
