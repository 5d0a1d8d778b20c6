import Linalg

/// Short labels for factors from their highest-loading tasks.
///
/// A task's short name is the shortest run of consecutive `/`-separated
/// segments of its name that holds its most specific segment (the last one not
/// every task shares) and that no other task's name contains as a run of
/// segments: `lm_eval/arc_easy_5shot/bpb` → `arc_easy_5shot`, and with both
/// `lm_eval/mmlu_5shot/bpb` and `mcq_smooth/mmlu_5shot/bpb` present,
/// `lm_eval/mmlu_5shot`. A factor's
/// label joins the short names of its three highest-loading tasks with ` + `;
/// a label that would repeat another factor's gets ` (factor j)` appended.
public enum FactorLabels {
    /// One label per column of `loadings` (p × k, rows in `tasks` order).
    public static func make(tasks: [String], loadings: Matrix, perFactor: Int = 3) -> [String] {
        let short = shortNames(tasks)
        let k = loadings.columns
        var labels = (0..<k).map { j -> String in
            let top = tasks.indices
                .sorted { loadings[$0, j] > loadings[$1, j] || (loadings[$0, j] == loadings[$1, j] && $0 < $1) }
                .prefix(perFactor)
                .filter { loadings[$0, j] > 0 }
            return top.isEmpty ? "factor \(j + 1)" : top.map { short[$0] }.joined(separator: " + ")
        }
        let repeated = Set(labels.filter { label in labels.filter { $0 == label }.count > 1 })
        for j in 0..<k where repeated.contains(labels[j]) { labels[j] += " (factor \(j + 1))" }
        return labels
    }

    /// The shortest unambiguous name of each task (see the type's documentation).
    public static func shortNames(_ names: [String]) -> [String] {
        let split = names.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        // Segments every name has are no help in telling them apart.
        let shared = split.dropFirst().reduce(Set(split.first ?? [])) { $0.intersection($1) }
        return split.enumerated().map { index, segments in
            // The most specific segment: the last one not every name shares.
            let anchor = segments.indices.last { !shared.contains(segments[$0]) || split.count == 1 }
                ?? segments.count - 1
            for length in 1...Swift.max(1, segments.count) {
                // Runs of `length` segments that contain the anchor, extending left first.
                for end in anchor..<Swift.min(segments.count, anchor + length) {
                    let start = end - length + 1
                    guard start >= 0 else { continue }
                    let run = Array(segments[start...end])
                    let clash = split.indices.contains { other in other != index && containsRun(split[other], run) }
                    if !clash { return run.joined(separator: "/") }
                }
            }
            return names[index]
        }
    }

    private static func containsRun(_ segments: [String], _ run: [String]) -> Bool {
        guard run.count <= segments.count else { return false }
        for start in 0...(segments.count - run.count) where Array(segments[start..<(start + run.count)]) == run {
            return true
        }
        return false
    }
}
