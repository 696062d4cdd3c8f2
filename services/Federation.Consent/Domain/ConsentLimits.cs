namespace Federation.Consent.Domain;

public static class ConsentLimits
{
    public const int DatasetIdLength = 200;
    public const int MaxDiseases = 50;
    public const int MaxModifiers = 30;
    public const int MaxValuesPerModifier = 100;
    public const int ValueLength = 200;
    public const int MaxDatasetsPerEvaluation = 200;
}
