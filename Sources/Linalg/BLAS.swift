internal import CLAPACKE

// One thin wrapper per BLAS routine: Swift enums in, checked Int32 sizes,
// column-major always. Callers own the memory and pass pointers that live only
// for the call.

extension Transpose {
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    var lapack: CChar { CChar(UInt8(ascii: self == .none ? "N" : "T")) }
}

extension Triangle {
    var cblas: CBLAS_UPLO { self == .lower ? CblasLower : CblasUpper }
    var lapack: CChar { CChar(UInt8(ascii: self == .lower ? "L" : "U")) }
}

extension EigenJob {
    var lapack: CChar { CChar(UInt8(ascii: self == .valuesOnly ? "N" : "V")) }
}

/// Converts a dimension to BLAS's 32-bit integer; a dimension past `Int32.max`
/// cannot be passed to this BLAS build and is a programming error.
@inline(__always)
func blasInt(_ x: Int) -> Int32 {
    guard let v = Int32(exactly: x) else { preconditionFailure("dimension \(x) exceeds the 32-bit BLAS/LAPACK interface") }
    return v
}

/// The leading dimension LAPACK requires: `max(1, rows)`.
@inline(__always)
func leading(_ rows: Int) -> Int32 { blasInt(Swift.max(1, rows)) }

enum BLAS {
    /// `C ← α op(A) op(B) + β C`, with `op(A)` m × k and `op(B)` k × n (dgemm).
    static func gemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k),
                    alpha, a, leading(lda), b, leading(ldb), beta, c, leading(ldc))
    }

    /// `y ← α op(A) x + β y` (dgemv); `A` is m × n as stored.
    static func gemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasColMajor, trans.cblas, blasInt(m), blasInt(n), alpha, a, leading(lda),
                    x, 1, beta, y, 1)
    }

    /// `C ← α op(A) op(A)ᵀ + β C` on one triangle of C (dsyrk); `C` is n × n,
    /// `op(A)` n × k. With `trans = .transpose`, `C ← α AᵀA + β C`.
    static func syrk(
        _ triangle: Triangle, _ trans: Transpose, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(CblasColMajor, triangle.cblas, trans.cblas, blasInt(n), blasInt(k),
                    alpha, a, leading(lda), beta, c, leading(ldc))
    }

    /// `xᵀy` over `n` contiguous elements (ddot).
    static func dot(n: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>) -> Double {
        cblas_ddot(blasInt(n), x, 1, y, 1)
    }

    /// `y ← αx + y` over `n` contiguous elements (daxpy).
    static func axpy(n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasInt(n), alpha, x, 1, y, 1)
    }

    /// `x ← αx` over `n` contiguous elements (dscal).
    static func scal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>) {
        cblas_dscal(blasInt(n), alpha, x, 1)
    }
}
