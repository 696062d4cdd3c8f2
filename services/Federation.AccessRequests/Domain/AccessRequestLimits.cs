namespace Federation.AccessRequests.Domain;

/// <summary>Sizes the API enforces and the schema stores; one place so the two cannot drift.</summary>
public static class AccessRequestLimits
{
    public const int TitleLength = 300;
    public const int PurposeLength = 4000;
    public const int DatasetIdLength = 200;
    public const int MaxDatasets = 100;
    public const int SubjectLength = 200;
    public const int MaxTeam = 50;
    public const int CommentLength = 4000;
    public const int ConditionsLength = 4000;
    public const int HolderLength = 100;
    public const int MaxPolicyMembers = 50;
}
