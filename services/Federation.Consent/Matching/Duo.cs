namespace Federation.Consent.Matching;

/// <summary>The DUO codes the matcher reasons about, by their shorthand.</summary>
public static class Duo
{
    // Permissions
    public const string NRES = "DUO:0000004";
    public const string GRU = "DUO:0000042";
    public const string HMB = "DUO:0000006";
    public const string DS = "DUO:0000007";
    public const string POA = "DUO:0000011";

    // Modifiers
    public const string RS = "DUO:0000012";
    public const string NMDS = "DUO:0000015";
    public const string GSO = "DUO:0000016";
    public const string NPUNCU = "DUO:0000018";
    public const string PUB = "DUO:0000019";
    public const string COL = "DUO:0000020";
    public const string IRB = "DUO:0000021";
    public const string GS = "DUO:0000022";
    public const string MOR = "DUO:0000024";
    public const string TS = "DUO:0000025";
    public const string US = "DUO:0000026";
    public const string PS = "DUO:0000027";
    public const string IS = "DUO:0000028";
    public const string RTN = "DUO:0000029";
    public const string CC = "DUO:0000043";
    public const string NPOA = "DUO:0000044";
    public const string NPU = "DUO:0000045";
    public const string NCU = "DUO:0000046";

    // Research purposes
    public const string MethodDevelopment = "DUO:0000031";
    public const string PopulationResearch = "DUO:0000032";
    public const string AncestryResearch = "DUO:0000033";
    public const string AgeCategoryResearch = "DUO:0000034";
    public const string GenderCategoryResearch = "DUO:0000035";
    public const string ResearchControl = "DUO:0000036";
    public const string BiomedicalResearch = "DUO:0000037";
    public const string GeneticResearch = "DUO:0000038";
    public const string DrugDevelopmentResearch = "DUO:0000039";
    public const string DiseaseCategoryResearch = "DUO:0000040";

    /// <summary>Purposes that are health, medical or biomedical research in DUO's own hierarchy (37 and its children).</summary>
    public static readonly IReadOnlySet<string> Biomedical = new HashSet<string> { BiomedicalResearch, GeneticResearch, DrugDevelopmentResearch, DiseaseCategoryResearch };

    /// <summary>
    /// Purposes that say how or on whom research is done rather than what it is for: they follow the
    /// primary purpose they come with, and alone they do not say whether the use is biomedical.
    /// </summary>
    public static readonly IReadOnlySet<string> Qualifying = new HashSet<string>
    {
        MethodDevelopment, PopulationResearch, AgeCategoryResearch, GenderCategoryResearch, ResearchControl,
    };
}
