import Linalg

/// Short labels for factors from their highest-loading tasks.
///
/// A task's short name is the shortest run of consecutive `/`-separated
/// segments of its name that no other task's name contains as a run of
/// segments, preferring later segments on ties and dropping segments every
/// task shares (`lm_eval/arc_easy_5shot/bpb` → `arc_easy_5shot`). A factor's
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
        for j in 0..<k where labels.filter({ $0 == labels[j] }).count > 1 {
            labels[j] += " (factor \(j + 1))"
        }
        return labels
    }

    /// The shortest unambiguous name of each task (see the type's documentation).
    public static func shortNames(_ names: [String]) -> [String] {
        let split = names.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        // Segments every name has are no help in telling them apart.
        let shared = split.dropFirst().reduce(Set(split.first ?? [])) { $0.intersection($1) }
        return split.enumerated().map { index, segments in
            let useful = segments.indices.filter { !shared.contains(segments[$0]) || split.count == 1 }
            for length in 1...Swift.max(1, segments.count) {
                // Candidate runs of `length` segments, later ones first.
                for start in stride(from: segments.count - length, through: 0, by: -1) {
                    let run = Array(segments[start..<(start + length)])
                    if length == 1, !useful.contains(start) { continue }
                    let clash = split.indices.contains { other in
                        other != index && containsRun(split[other], run)
                    }
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
