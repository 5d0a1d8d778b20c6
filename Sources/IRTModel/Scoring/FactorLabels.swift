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
    ///
    /// - Complexity: O(Σ segments²) dictionary look-ups: each task's runs of
    ///   segments are counted once (a run clashes when another task holds it too),
    ///   instead of comparing every name with every other.
    public static func shortNames(_ names: [String]) -> [String] {
        let split = names.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        // Segments every name has are no help in telling them apart.
        let shared = split.dropFirst().reduce(Set(split.first ?? [])) { $0.intersection($1) }
        // holders[L][run]: how many names hold that run of L segments (a name counted once).
        var holders: [Int: [String: Int]] = [:]
        func count(length: Int) -> [String: Int] {
            if let known = holders[length] { return known }
            var counts: [String: Int] = [:]
            for segments in split where segments.count >= length {
                var seen = Set<String>()
                for start in 0...(segments.count - length) {
                    let key = segments[start..<(start + length)].joined(separator: "/")
                    if seen.insert(key).inserted { counts[key, default: 0] += 1 }
                }
            }
            holders[length] = counts
            return counts
        }
        return split.enumerated().map { index, segments in
            // The most specific segment: the last one not every name shares.
            let anchor = segments.indices.last { !shared.contains(segments[$0]) || split.count == 1 }
                ?? segments.count - 1
            for length in 1...Swift.max(1, segments.count) {
                // Runs of `length` segments that contain the anchor, extending left first.
                for end in anchor..<Swift.min(segments.count, anchor + length) {
                    let start = end - length + 1
                    guard start >= 0 else { continue }
                    let run = segments[start...end].joined(separator: "/")
                    // This name holds the run; another one does too when the count exceeds 1.
                    if count(length: length)[run, default: 0] <= 1 { return run }
                }
            }
            return names[index]
        }
    }
}
