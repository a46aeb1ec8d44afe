namespace Samverkan.SchoolSync.Ss12000;

/// <summary>A fault of the source: the run stops, the watermark of what was not stored stays. Messages hold no personal data.</summary>
public abstract class Ss12000Exception : Exception
{
    protected Ss12000Exception(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>A short code for the source's state (operators, metrics).</summary>
    public abstract string Code { get; }
}

/// <summary>The source answered 429 or 5xx, or not at all, on every attempt.</summary>
public sealed class Ss12000UnavailableException(string message, Exception? inner = null) : Ss12000Exception(message, inner)
{
    public override string Code => "Unavailable";
}

/// <summary>A page that is not the schema's shape (not JSON, no <c>data</c>, an item without a required field): refused whole.</summary>
public sealed class Ss12000MalformedPageException(string message, Exception? inner = null) : Ss12000Exception(message, inner)
{
    public override string Code => "MalformedPage";
}

/// <summary>The source refused the request (4xx other than 429), or the token endpoint refused the client.</summary>
public sealed class Ss12000RefusedException(string message) : Ss12000Exception(message)
{
    public override string Code => "Refused";
}
