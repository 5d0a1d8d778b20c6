import IRTModel
import Linalg

/// Gaps put into a complete synthetic sweep, for tests and benchmarks of the
/// missing-data paths: a seeded random mask and the z-scores restandardized
/// over the cells it keeps.
public enum SyntheticGaps {
    /// `fraction` of the cells missing, chosen by a seeded shuffle; every column keeps at least 3 cells.
    ///
    /// - Complexity: O(rows · columns).
    public static func randomMask(rows: Int, columns: Int, fraction: Double, seed: UInt64) -> ObservedMask {
        var rng = Xoshiro256StarStar(seed: seed)
        var mask = ObservedMask(rows: rows, columns: columns)
        var cells = Array(0..<(rows * columns))
        for i in stride(from: cells.count - 1, to: 0, by: -1) { cells.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        for cell in cells.prefix(Int((fraction * Double(rows * columns)).rounded())) {
            let (i, j) = (cell % rows, cell / rows)
            if mask.observedCount(column: j) > 3 { mask[i, j] = false }
        }
        return mask
    }

    /// `z` re-standardized over the observed cells of `mask` (population sd), 0 at
    /// missing ones — as ``PreparedSweep`` standardizes a sweep with gaps.
    ///
    /// - Complexity: O(rows · columns).
    public static func masked(_ z: Matrix, _ mask: ObservedMask) -> Matrix {
        var out = z
        for j in 0..<z.columns {
            let rows = (0..<z.rows).filter { mask[$0, j] }
            let values = rows.map { z[$0, j] }
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            for i in 0..<z.rows { out[i, j] = mask[i, j] ? (z[i, j] - mean) / sd : 0 }
        }
        return out
    }
}
