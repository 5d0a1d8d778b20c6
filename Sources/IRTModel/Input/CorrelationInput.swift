import Foundation
import Linalg

/// A correlation (or covariance) matrix given instead of runs, with the number
/// of observations behind it: what `irt-report --correlation FILE --n-obs N` reads.
///
/// The file is a square CSV: a header row of task names and one row per task,
/// optionally with a first column of labels (then the header's first cell is
/// that column's name or empty). A covariance matrix (a diagonal other than 1)
/// is standardized, `R_ij = S_ij / √(S_ii S_jj)`, and ``wasCovariance`` says so.
///
/// Everything that needs runs (factor scores, leaderboard, signal-to-noise,
/// validation) is left out of an analysis of such an input; Horn's analysis,
/// the fit and its statistics work from R and n alone.
public struct CorrelationInput: Sendable, Equatable {
    /// The file, as given.
    public let source: String
    /// Task names, in file order.
    public let tasks: [String]
    /// The correlation matrix (unit diagonal, symmetric, positive definite).
    public let correlation: Matrix
    /// The observations behind it.
    public let observations: Int
    /// Whether the file held a covariance matrix that was standardized.
    public let wasCovariance: Bool

    /// Reads and checks a correlation or covariance matrix.
    ///
    /// - Parameters:
    ///   - url: the CSV file.
    ///   - n: the runs (or people) the matrix was computed from.
    /// - Throws: ``AnalysisError/invalidCorrelation(file:reason:)`` when the file is
    ///   not square, holds a non-number, is not symmetric (relative 1e-8), has a
    ///   non-positive diagonal, is not positive definite, or n ≤ p; the reader's
    ///   errors for malformed CSV.
    public init(contentsOf url: URL, observations n: Int) throws(AnalysisError) {
        let table = try CSVReader.read(contentsOf: url)
        try self.init(table: table, source: url.lastPathComponent, observations: n)
    }

    /// Reads CSV text (e.g. in tests); `source` names it in errors.
    public init(csv text: String, source: String, observations n: Int) throws(AnalysisError) {
        try self.init(table: CSVReader.parse(text, source: source), source: source, observations: n)
    }

    init(table: CSVTable, source: String, observations n: Int) throws(AnalysisError) {
        func fail(_ reason: String) -> AnalysisError { .invalidCorrelation(file: source, reason: reason) }
        let rows = table.rows
        let p = rows.count
        guard p >= 1 else { throw fail("no rows; expected a square matrix with a header row of task names") }
        // A label column when the header has one more field than there are rows.
        let labelled = table.header.count == p + 1
        guard labelled || table.header.count == p else {
            throw fail("\(p) rows but \(table.header.count) header fields; expected a square matrix (a header of p names, p rows, optionally a first column of labels)")
        }
        let names = Array(table.header.dropFirst(labelled ? 1 : 0)).map { $0.trimmingCharacters(in: .whitespaces) }
        var s = Matrix(rows: p, columns: p)
        for (i, row) in rows.enumerated() {
            for j in 0..<p {
                let text = row[j + (labelled ? 1 : 0)]
                guard case let .number(value) = EvalMatrix.cell(text) else {
                    throw .nonNumericCell(file: source, line: table.lines[i], column: names[j], value: text)
                }
                s[i, j] = value
            }
            if labelled, row[0].trimmingCharacters(in: .whitespaces) != names[i] {
                throw fail("row \(i + 1) is labelled \"\(row[0])\" but column \(i + 1) is \"\(names[i])\"; expected the same task order in rows and columns")
            }
        }
        guard n > p else {
            throw fail("n = \(n) observations for p = \(p) tasks; the fit needs n > p (pass the number of runs the matrix was computed from with --n-obs)")
        }
        let scale = s.elements.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        for j in 0..<p {
            guard s[j, j] > 0 else { throw fail("diagonal entry \(j + 1) (\(names[j])) is \(s[j, j]); expected a positive variance") }
            for i in (j + 1)..<Swift.max(p, j + 1) where Swift.abs(s[i, j] - s[j, i]) > 1e-8 * scale {
                throw fail("not symmetric: (\(names[i]), \(names[j])) = \(s[i, j]) but (\(names[j]), \(names[i])) = \(s[j, i])")
            }
        }
        let unit = (0..<p).allSatisfy { Swift.abs(s[$0, $0] - 1) <= 1e-8 }
        let r = Self.standardized(s)
        do throws(LinalgError) { _ = try Cholesky(r) } catch {
            if case let .notPositiveDefinite(minor) = error {
                throw fail("not positive definite (its leading minor of order \(minor) is not positive); a correlation matrix of n > p runs is; check for pairwise-computed entries or a typo")
            }
            throw .numerical(error)
        }
        self.source = source
        tasks = names
        correlation = r
        observations = n
        wasCovariance = !unit
    }

    /// `R_ij = S_ij / √(S_ii S_jj)` (symmetrized), without overflow or underflow
    /// at any scale: S is first divided by its largest diagonal entry m, and each
    /// entry by `√(S_ii/m)` and `√(S_jj/m)` one at a time (their product is never
    /// formed), so a covariance ×10³⁰⁰ or ×10⁻³⁰⁰ gives the correlation of ×1.
    ///
    /// - Precondition: a positive diagonal.
    /// - Complexity: O(p²).
    static func standardized(_ s: Matrix) -> Matrix {
        let p = s.rows
        let m = (0..<p).reduce(0.0) { Swift.max($0, s[$1, $1]) }
        let root = (0..<p).map { (s[$0, $0] / m).squareRoot() }
        var r = Matrix(rows: p, columns: p)
        for j in 0..<p {
            for i in 0..<p {
                r[i, j] = i == j ? 1 : (0.5 * (s[i, j] / m) + 0.5 * (s[j, i] / m)) / root[i] / root[j]
            }
        }
        return r
    }
}
