internal import CLAPACKE

// One thin wrapper per LAPACK routine, through LAPACKE's `_work` interface in
// column-major layout (no transposition, no hidden allocation). Each returns
// LAPACK's `info`; `info < 0` (an illegal argument) is a bug in our call and
// stops here, `info > 0` is returned for the caller to turn into a typed error.

private let columnMajor: Int32 = 102  // LAPACK_COL_MAJOR

@inline(__always)
private func checked(_ info: Int32, _ routine: StaticString) -> Int {
    precondition(info >= 0, "\(routine): illegal value in argument \(-info) (a bug in IRTKit)")
    return Int(info)
}

enum LAPACK {
    /// Symmetric eigendecomposition by divide and conquer (dsyevd). Eigenvalues
    /// ascending into `w`; with `.valuesAndVectors` the eigenvectors overwrite `a`.
    static func syevd(
        _ job: EigenJob, _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        w: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>, lwork: Int,
        iwork: UnsafeMutablePointer<Int32>, liwork: Int
    ) -> Int {
        checked(LAPACKE_dsyevd_work(columnMajor, job.lapack, triangle.lapack, blasInt(n), a, leading(lda),
                                    w, work, blasInt(lwork), iwork, blasInt(liwork)), "dsyevd")
    }

    /// Workspace sizes `(lwork, liwork)` dsyevd needs for order `n`.
    static func syevdWorkspace(_ job: EigenJob, n: Int) -> (work: Int, iwork: Int) {
        var a = 0.0, w = 0.0, work = 0.0
        var iwork: Int32 = 0
        _ = checked(LAPACKE_dsyevd_work(columnMajor, job.lapack, CChar(UInt8(ascii: "L")), blasInt(n), &a,
                                        leading(n), &w, &work, -1, &iwork, -1), "dsyevd")
        return (Swift.max(1, Int(work)), Swift.max(1, Int(iwork)))
    }

    /// Selected eigenpairs `il...iu` (1-based, ascending) of a symmetric matrix by
    /// relatively robust representations (dsyevr, range = I). With
    /// `.valuesAndVectors` the eigenvectors go to `z` (n × (iu − il + 1), leading
    /// dimension `ldz`) with their support in `isuppz` (2 · (iu − il + 1)); with
    /// `.valuesOnly` `z` and `isuppz` are not touched. Returns `(info, m)`.
    static func syevr(
        _ job: EigenJob, _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, il: Int, iu: Int,
        w: UnsafeMutablePointer<Double>, z: UnsafeMutablePointer<Double>, ldz: Int, isuppz: UnsafeMutablePointer<Int32>,
        work: UnsafeMutablePointer<Double>, lwork: Int, iwork: UnsafeMutablePointer<Int32>, liwork: Int
    ) -> (info: Int, found: Int) {
        var m: Int32 = 0
        let info = LAPACKE_dsyevr_work(columnMajor, job.lapack, CChar(UInt8(ascii: "I")),
                                       triangle.lapack, blasInt(n), a, leading(lda), 0, 0,
                                       blasInt(il), blasInt(iu), 0, &m, w, z, leading(ldz), isuppz,
                                       work, blasInt(lwork), iwork, blasInt(liwork))
        return (checked(info, "dsyevr"), Int(m))
    }

    /// Workspace sizes for ``syevr(_:_:n:a:lda:il:iu:w:z:ldz:isuppz:work:lwork:iwork:liwork:)``.
    static func syevrWorkspace(_ job: EigenJob, n: Int) -> (work: Int, iwork: Int) {
        var a = 0.0, w = 0.0, work = 0.0, z = 0.0
        var iwork: Int32 = 0, m: Int32 = 0, isuppz: Int32 = 0
        _ = checked(LAPACKE_dsyevr_work(columnMajor, job.lapack, CChar(UInt8(ascii: "I")),
                                        CChar(UInt8(ascii: "L")), blasInt(n), &a, leading(n), 0, 0, 1,
                                        blasInt(Swift.max(1, n)), 0, &m, &w, &z, leading(n), &isuppz, &work, -1,
                                        &iwork, -1),
                    "dsyevr")
        return (Swift.max(1, Int(work)), Swift.max(1, Int(iwork)))
    }

    /// Cholesky factorization `A = L Lᵀ` (or `UᵀU`) in place (dpotrf).
    static func potrf(_ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        checked(LAPACKE_dpotrf_work(columnMajor, triangle.lapack, blasInt(n), a, leading(lda)), "dpotrf")
    }

    /// Solves `A X = B` from a Cholesky factor (dpotrs); `B` is overwritten by `X`.
    static func potrs(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        checked(LAPACKE_dpotrs_work(columnMajor, triangle.lapack, blasInt(n), blasInt(nrhs), a, leading(lda),
                                    b, leading(ldb)), "dpotrs")
    }

    /// Inverse of `A` from its Cholesky factor, into the same triangle (dpotri).
    static func potri(_ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        checked(LAPACKE_dpotri_work(columnMajor, triangle.lapack, blasInt(n), a, leading(lda)), "dpotri")
    }

    /// LU factorization with partial pivoting `P A = L U` in place (dgetrf);
    /// `ipiv` receives the 1-based row interchanges. `info > 0`: `U[info, info]`
    /// is exactly zero (the factorization is complete, `U` is singular).
    static func getrf(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, ipiv: UnsafeMutablePointer<Int32>
    ) -> Int {
        checked(LAPACKE_dgetrf_work(columnMajor, blasInt(m), blasInt(n), a, leading(lda), ipiv), "dgetrf")
    }

    /// Solves `A X = B` (or `AᵀX = B`) from the LU factors of ``getrf(m:n:a:lda:ipiv:)`` (dgetrs);
    /// `B` is overwritten by `X`.
    static func getrs(
        _ trans: Transpose, n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int, ipiv: UnsafePointer<Int32>,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        checked(LAPACKE_dgetrs_work(columnMajor, trans.lapack, blasInt(n), blasInt(nrhs), a, leading(lda), ipiv,
                                    b, leading(ldb)), "dgetrs")
    }

    /// `A⁻¹` from the LU factors, in place (dgetri). `info > 0`: `U[info, info]` is zero.
    static func getri(
        n: Int, a: UnsafeMutablePointer<Double>, lda: Int, ipiv: UnsafePointer<Int32>,
        work: UnsafeMutablePointer<Double>, lwork: Int
    ) -> Int {
        checked(LAPACKE_dgetri_work(columnMajor, blasInt(n), a, leading(lda), ipiv, work, blasInt(lwork)), "dgetri")
    }

    /// Workspace size `lwork` dgetri needs for order `n`.
    static func getriWorkspace(n: Int) -> Int {
        var a = 0.0, work = 0.0
        var ipiv: Int32 = 0
        _ = checked(LAPACKE_dgetri_work(columnMajor, blasInt(n), &a, leading(n), &ipiv, &work, -1), "dgetri")
        return Swift.max(1, n, Int(work))
    }
}
