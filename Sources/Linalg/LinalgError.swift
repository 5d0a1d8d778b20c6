/// Every failure a `Linalg` routine can report for a property of its input.
///
/// LAPACK's `info > 0` results become the data errors below. An `info < 0`
/// (an illegal argument) is a bug in IRTKit's call and stops the program with
/// a precondition failure instead; it never depends on the values in a matrix.
public enum LinalgError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two operands do not fit together: `operation` wanted `expected`, got `actual`.
    case shapeMismatch(operation: String, expected: Shape, actual: Shape)
    /// A row (or column) of a nested array has another length than the first.
    case raggedRows(row: Int, expected: Int, actual: Int)
    /// The leading minor of order `minor` (1-based, as LAPACK counts) is not
    /// positive, so the matrix is not positive definite.
    case notPositiveDefinite(minor: Int)
    /// `U[index, index]` (1-based) of the LU factorization is exactly zero.
    case singular(index: Int)
    /// An iterative algorithm did not converge; `count` is LAPACK's `info`
    /// (e.g. the number of off-diagonal elements that did not converge).
    case noConvergence(count: Int)
    /// A statistic needs more observations than there are: `needed`, got `actual`.
    case tooFewObservations(needed: Int, actual: Int)
    /// A column has zero variance and cannot be standardized (0-based `column`).
    case zeroVariance(column: Int)
    /// An argument outside its domain, e.g. a percentile outside [0, 100].
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, actual):
            return "\(operation): shape mismatch, expected \(expected), got \(actual)"
        case let .raggedRows(row, expected, actual):
            return "row \(row) has \(actual) elements, expected \(expected)"
        case let .notPositiveDefinite(minor):
            return "matrix is not positive definite (leading minor of order \(minor) is not positive)"
        case let .singular(index):
            return "matrix is singular (U[\(index),\(index)] is exactly zero)"
        case let .noConvergence(count):
            return "algorithm did not converge (\(count) elements failed to converge)"
        case let .tooFewObservations(needed, actual):
            return "needs at least \(needed) observations, got \(actual)"
        case let .zeroVariance(column):
            return "column \(column) has zero variance and cannot be standardized"
        case let .invalidArgument(message):
            return message
        }
    }
}
