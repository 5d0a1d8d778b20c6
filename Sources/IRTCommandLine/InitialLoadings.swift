import Foundation
import IRTModel

/// Reading `--em-init`: starting loadings Λ0 as a JSON array of p arrays of k numbers.
public enum InitialLoadings {
    /// The largest starting loading accepted.
    ///
    /// The model is fitted to standardized tasks (unit variance), where a
    /// loading's honest range is [0, 1] and a converged one rarely exceeds a
    /// few units. 10⁶ leaves room for any deliberate experiment while keeping
    /// ΛΛᵀ + Ψ (entries up to k·10¹²) well inside `Double`'s range, so the first
    /// E-step's Cholesky factorization never sees an overflowed matrix (with
    /// entries of 1e300 it failed as "not positive definite", naming no option).
    public static let maximumMagnitude = 1e6

    /// Parses Λ0 from JSON text.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the name used in error messages.
    ///   - factors: `--factors`, if given; it must equal the number of columns.
    /// - Returns: p rows of k finite, non-negative numbers, each at most ``maximumMagnitude``.
    /// - Throws: ``ReportError/initialLoadings(file:reason:)`` naming what is wrong.
    public static func parse(_ data: Data, file: String, factors: Int?) throws(ReportError) -> [[Double]] {
        let shape = "expected a JSON array of p arrays of k numbers (one row per task, one column per factor), e.g. [[0.1, 0.0], [0.05, 0.2]]"
        let rows: [[Double]]
        do {
            rows = try JSONDecoder().decode([[Double]].self, from: data)
        } catch {
            throw .initialLoadings(file: file, reason: "not an array of arrays of numbers; \(shape)")
        }
        guard let first = rows.first else { throw .initialLoadings(file: file, reason: "the array is empty; \(shape)") }
        let k = first.count
        guard k >= 1 else { throw .initialLoadings(file: file, reason: "row 1 is empty; \(shape)") }
        for (i, row) in rows.enumerated() {
            guard row.count == k else {
                throw .initialLoadings(file: file, reason: "row \(i + 1) has \(row.count) number(s), row 1 has \(k); every row needs one number per factor")
            }
            for (j, value) in row.enumerated() {
                guard value.isFinite, value >= 0 else {
                    throw .initialLoadings(file: file, reason: "row \(i + 1), column \(j + 1) is \(value); loadings must be finite and non-negative")
                }
                guard value <= maximumMagnitude else {
                    throw .initialLoadings(file: file, reason: "row \(i + 1), column \(j + 1) is \(value); loadings are on the scale of the standardized tasks (unit variance), so they must be at most \(maximumMagnitude) (typical values lie in [0, 1])")
                }
            }
        }
        if let factors, factors != k {
            throw .initialLoadings(file: file, reason: "has \(k) column(s) per row but --factors is \(factors); drop --factors (k is taken from the file) or give a Λ0 with \(factors) columns")
        }
        return rows
    }

    /// Reads and parses the file at `path` (a regular file, or a pipe such as `<(…)`).
    public static func read(path: String, factors: Int?) throws(ReportError) -> [[Double]] {
        let data: Data
        do {
            data = try CSVReader.contents(of: URL(fileURLWithPath: path))
        } catch {
            let reason = if case let .unreadableFile(_, reason) = error { reason } else { error.description }
            throw .initialLoadings(file: path, reason: "cannot read the file (\(reason))")
        }
        return try parse(data, file: path, factors: factors)
    }
}
