using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Samverkan.Host.Security;

/// <summary>
/// Development only (mapped only when the environment is Development): <c>GET /dev/signin</c> lists the demo users,
/// <c>POST /dev/signin</c> (form <c>user</c>) starts a session as one, <c>POST /dev/token</c> (JSON or form <c>user</c>:
/// a staff id or a demo user's name) answers a signed bearer token.
/// </summary>
internal static class DevelopmentEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/dev").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        group.MapGet("/signin", SignInPageAsync);
        group.MapPost("/signin", SignInAsync);
        group.MapPost("/token", TokenAsync);
    }

    private static async Task SignInPageAsync(HttpContext context, DevUserDirectory users)
    {
        var list = await users.ListAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = context.Request.Query["returnUrl"].ToString();
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("""
            <!doctype html>
            <html lang="sv"><head><meta charset="utf-8"><title>Samverkan – demo sign-in</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}
            td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style></head><body>
            <h1>Demo sign-in</h1>
            <p>Development environment only. These are demo users; every sign-in is a token from the demo issuer.</p>
            """);
        if (list.Count == 0)
        {
            page.Append("<p>No demo users: load the demo roster, or list users under <code>Samverkan:DevUsers</code>.</p>");
        }
        else
        {
            page.Append("<table><tr><th>Name</th><th>Staff id</th><th>Agency</th><th>Roles</th><th>Municipality</th><th></th></tr>");
            foreach (var user in list)
            {
                page.Append("<tr><td>").Append(html.Encode(user.Name))
                    .Append("</td><td>").Append(html.Encode(user.Staff))
                    .Append("</td><td>").Append(html.Encode(user.Agency))
                    .Append("</td><td>").Append(html.Encode(string.Join(", ", user.Roles)))
                    .Append("</td><td>").Append(html.Encode(user.Municipality))
                    .Append("</td><td><form method=\"post\" action=\"/dev/signin\"><input type=\"hidden\" name=\"user\" value=\"")
                    .Append(html.Encode(user.Staff))
                    .Append("\"><input type=\"hidden\" name=\"returnUrl\" value=\"")
                    .Append(html.Encode(SignInEndpoints.IsLocalUrl(returnUrl) ? returnUrl : "/"))
                    .Append("\"><button>Sign in</button></form></td></tr>");
            }

            page.Append("</table>");
        }

        page.Append("""
            <p>A bearer token for the API: <code>curl -X POST -H 'Content-Type: application/json' -d '{"user":"STAFF-ID"}' /dev/token</code></p>
            </body></html>
            """);
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        await context.Response.WriteAsync(page.ToString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task SignInAsync(HttpContext context, DevUserDirectory users, DevelopmentTokenIssuer issuer)
    {
        if (!context.Request.HasFormContentType)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", "Post the form field 'user'.")
                .ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var user = await users.FindAsync(form["user"].ToString(), context.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown demo user", "No demo user has this staff id or name.")
                .ConfigureAwait(false);
            return;
        }

        await SignInEndpoints.StartSessionAsync(context, issuer.Issue(user), form["returnUrl"].ToString()).ConfigureAwait(false);
    }

    private static async Task TokenAsync(HttpContext context, DevUserDirectory users, DevelopmentTokenIssuer issuer)
    {
        var name = await ReadUserAsync(context).ConfigureAwait(false);
        var user = string.IsNullOrWhiteSpace(name) ? null : await users.FindAsync(name, context.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown demo user",
                "Post {\"user\": \"<staff id or demo user name>\"} naming a demo user (see /dev/signin).").ConfigureAwait(false);
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(
            new DevTokenResponse(issuer.Issue(user), "Bearer", (int)issuer.Lifetime.TotalSeconds), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<string?> ReadUserAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false))["user"].ToString();
        }

        if (context.Request.HasJsonContentType())
        {
            try
            {
                var body = await context.Request.ReadFromJsonAsync<DevTokenRequest>(context.RequestAborted).ConfigureAwait(false);
                return body?.User;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    private sealed record DevTokenRequest(string? User);
}

/// <summary>The answer of <c>POST /dev/token</c> (OAuth token-response names).</summary>
internal sealed record DevTokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);
