namespace NordPay.Sandbox;

/// <summary>One FastAPI-style validation issue: where (loc), what (msg) and its pydantic type.</summary>
public sealed record ValidationIssue(string[] Location, string Message, string Type);

/// <summary>An error answer: a status with a 'detail' string, or 422 with a list of validation issues.</summary>
public sealed record ApiFailure(int Status, string? Detail, IReadOnlyList<ValidationIssue>? Issues = null)
{
    public static ApiFailure BadRequest(string detail) => new(400, detail);
    public static ApiFailure Invalid(params ValidationIssue[] issues) => new(422, null, issues);
}
