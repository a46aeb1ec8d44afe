using Samverkan.Host.Database;
using Samverkan.Host.Errors;
using Samverkan.Host.Health;
using Samverkan.Host.Hosting;

var builder = WebApplication.CreateBuilder(MigrateCommand.HostArguments(args));

builder.AddSamverkanDefaults();
builder.AddSamverkanDatabase();
builder.AddSamverkanHealth();

var app = builder.Build();

if (MigrateCommand.IsRequested(args))
{
    return await app.RunMigrateCommandAsync();
}

app.UseSamverkanProblemDetails();
app.MapHealth();
app.MapOpenApi();

return await app.RunSamverkanAsync();
