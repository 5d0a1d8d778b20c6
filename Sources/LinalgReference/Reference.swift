import Linalg

/// Pure-Swift reference implementations of the ``Linalg`` operations.
///
/// Every routine here is written for clarity, not speed: plain loops over
/// `Matrix.elements`, no BLAS or LAPACK. They are the test oracle for `Linalg`
/// and the baseline its benchmarks compare against. Each one follows a textbook
/// algorithm whose correctness can be checked by reading it.
///
/// Shape errors in the arguments are programming errors here (preconditions):
/// the oracle is only ever called with operands that fit. Data errors
/// (a matrix that is not positive definite, a singular system) are thrown as
/// the same ``LinalgError`` values `Linalg` throws, with the same 1-based
/// indices LAPACK reports, so that the two can be compared.
public enum Reference {}

extension Reference {
    /// The transpose `Aᵀ`, element by element.
    ///
    /// - Complexity: O(mn).
    public static func transpose(_ a: Matrix) -> Matrix {
        Matrix(rows: a.columns, columns: a.rows) { i, j in a[j, i] }
    }

    /// `op(A)`: `A` itself for `.none`, `Aᵀ` for `.transpose`.
    static func apply(_ trans: Transpose, _ a: Matrix) -> Matrix {
        trans == .none ? a : transpose(a)
    }
}
