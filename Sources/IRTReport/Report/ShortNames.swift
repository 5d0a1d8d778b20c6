/// Labels for names drawn side by side (the tasks of a chart, its runs), each fitting a width,
/// distinct whenever the names are; the chart puts the full name in the label's tooltip.
///
/// The rule, applied only when some name does not fit:
///
/// 1. the path segments every name starts with (`eval/paloma/`) are dropped, shown as `…/`;
/// 2. a label still too wide keeps its start and its end around a middle `…`, the start a third
///    of the characters kept (names of one family usually differ at the end: a subtask, a seed);
/// 3. when that makes two labels equal, the split moves until they differ; names that differ only
///    where every split cuts are numbered by their position (`#3`).
///
/// Widths are ``TextMetrics``' estimates (no font access offline), with a margin for sans-serif faces.
///
/// ```swift
/// ShortNames.labels(["eval/paloma/c4_en/bpb", "eval/paloma/ptb/bpb"], width: 60, size: 11)
/// // ["…/c4_en/bpb", "…/ptb/bpb"]
/// ```
enum ShortNames {
    /// Where the cut splits a label when nothing forces another split: a third of it before the "…".
    static let preferredHead = 1.0 / 3

    /// Sans-serif labels are measured this much wider than ``TextMetrics/width(_:size:)``: its
    /// averages fit the narrower faces, and DejaVu Sans (Linux's usual face) runs up to 9% wider
    /// (measured in Chromium over task names). The monospace estimate is exact.
    static let sansMargin = 1.1

    /// The labels of `names`, each at most `width` pixels wide at font `size`.
    ///
    /// - Parameters:
    ///   - names: the names drawn together (the labels stay distinct across all of them).
    ///   - width: the room for one label, in pixels.
    ///   - size: the font size in pixels.
    ///   - monospace: whether the labels are set in the monospace face (class `task`).
    /// - Returns: one label per name, in order; the names themselves when they all fit.
    /// - Complexity: O(s · Σ|name| · log|name|) for s tried splits (at most 12).
    static func labels(_ names: [String], width: Double, size: Double, monospace: Bool = false) -> [String] {
        let measure: (String) -> Double = monospace
            ? { TextMetrics.monoWidth($0, size: size) } : { TextMetrics.width($0, size: size) * sansMargin }
        guard names.contains(where: { measure($0) > width }) else { return names }
        let stripped = droppingCommonSegments(names)
        let distinct = Set(names).count
        let fractions = [preferredHead, 0.25, 0.5, 1.0 / 6, 2.0 / 3, 0.1, 0.8, 0, 0.9, 1]
        for fraction in fractions {
            let labels = stripped.map { fit($0, width: width, head: fraction, measure: measure) }
            if Set(labels).count == distinct { return labels }
        }
        return stripped.enumerated().map { i, name in
            let mark = " #\(i + 1)"
            return fit(name, width: Swift.max(0, width - measure(mark)), head: preferredHead, measure: measure) + mark
        }
    }

    /// One label of at most `width` pixels: `name`, or its start and end around a middle "…".
    static func label(_ name: String, width: Double, size: Double, monospace: Bool = false) -> String {
        labels([name], width: width, size: size, monospace: monospace)[0]
    }

    /// `names` without the leading path segments (up to and including a "/") they all share,
    /// each then starting with "…/"; unchanged when there are fewer than two names or no such segment.
    static func droppingCommonSegments(_ names: [String]) -> [String] {
        guard names.count >= 2, let first = names.first else { return names }
        var common = first.count
        for name in names.dropFirst() {
            common = Swift.min(common, zip(first, name).prefix { $0 == $1 }.count)
        }
        // Back to the end of a whole segment, and never the whole of any name.
        let shared = first.prefix(common)
        guard let slash = shared.lastIndex(of: "/") else { return names }
        let drop = first.distance(from: first.startIndex, to: slash) + 1
        guard names.allSatisfy({ $0.count > drop }) else { return names }
        return names.map { "…/" + $0.dropFirst(drop) }
    }

    /// The longest cut of `name` with a share `head` of its kept characters before the "…" that fits `width`.
    private static func fit(_ name: String, width: Double, head: Double, measure: (String) -> Double) -> String {
        guard measure(name) > width else { return name }
        let characters = Array(name)
        func cut(_ kept: Int) -> String {
            let front = Swift.min(kept, Int((Double(kept) * head).rounded()))
            return String(characters.prefix(front)) + "…" + String(characters.suffix(kept - front))
        }
        // Widths grow with the characters kept: the largest count that fits, by bisection.
        var lo = 0, hi = characters.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if measure(cut(mid)) <= width { lo = mid } else { hi = mid - 1 }
        }
        return cut(lo)
    }
}
