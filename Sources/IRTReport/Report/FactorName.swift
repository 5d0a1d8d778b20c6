import IRTModel

/// How a factor is named on the page, in the CSVs and in the summary: its
/// number and its label from the highest-loading tasks (`FactorLabels`).
public enum FactorName {
    /// The label of factor `j` (0-based), or "factor j+1" when the result has none.
    public static func label(_ r: AnalysisResult, _ j: Int) -> String {
        j < r.factorLabels.count ? r.factorLabels[j] : "factor \(j + 1)"
    }

    /// "θ2 (arc_easy + piqa + sciq)", shortened to `maxCharacters`.
    public static func titled(_ r: AnalysisResult, _ j: Int, maxCharacters: Int = 60) -> String {
        let text = "θ\(j + 1) (\(label(r, j)))"
        return text.count <= maxCharacters ? text : String(text.prefix(maxCharacters - 2)) + "…)"
    }

    /// The CSV column name of factor `j`: "theta_2 [arc_easy + piqa + sciq]".
    public static func csvColumn(_ r: AnalysisResult, _ j: Int, prefix: String = "theta") -> String {
        "\(prefix)_\(j + 1) [\(label(r, j))]"
    }
}
