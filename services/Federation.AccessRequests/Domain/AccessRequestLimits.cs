namespace Federation.AccessRequests.Domain;

/// <summary>Sizes the API enforces and the schema stores; one place so the two cannot drift.</summary>
public static class AccessRequestLimits
{
    public const int TitleLength = 300;
    public const int PurposeLength = 4000;
    public const int DatasetIdLength = 200;
    public const int MaxDatasets = 100;
}
