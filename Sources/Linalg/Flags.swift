/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable, Hashable {
    /// Use `A` as stored.
    case none
    /// Use `Aᵀ`.
    case transpose
}

/// Which triangle of a symmetric matrix a routine reads (or writes).
///
/// Symmetric routines read only this triangle; the other one is ignored and
/// may hold anything.
public enum Triangle: Sendable, Hashable {
    case lower
    case upper
}

/// Whether an eigenvalue routine also computes eigenvectors (LAPACK's `jobz`).
enum EigenJob: Sendable {
    case valuesOnly
    case valuesAndVectors
}
