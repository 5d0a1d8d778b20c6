import Foundation

extension MixtureStudy {
    /// proposals.csv: the input's weight columns (``MixtureTable/inputColumns``) after a run column
    /// named "run", one row per proposal named "proposal_1", … — ready to launch. Dropped constant
    /// columns keep their constant; numbers are written in full (shortest round-trip form), so each
    /// phase still sums to 1.
    ///
    /// - Complexity: O(proposals · columns).
    public static func proposalsCSV(_ analysis: MixtureAnalysis, table: MixtureTable) -> String {
        var constants: [String: Double] = [:]
        for (column, value) in zip(table.droppedConstantColumns, table.droppedConstantValues) { constants[column] = value }
        var text = (["run"] + table.inputColumns).map(csvField).joined(separator: ",") + "\n"
        for (k, proposal) in analysis.proposals.enumerated() {
            let values = table.inputColumns.map { column in
                let v = proposal.weights[column] ?? constants[column] ?? 0
                return (v == 0 ? 0 : v).description
            }
            text += (["proposal_\(k + 1)"] + values).joined(separator: ",") + "\n"
        }
        return text
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
