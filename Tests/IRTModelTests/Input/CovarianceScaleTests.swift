import Foundation
import IRTModel
import Linalg
import Testing

/// A covariance matrix is standardized at any scale: ×10³⁰⁰ does not overflow
/// to the identity and ×10⁻³⁰⁰ is not refused as "not positive definite".
@Suite("Covariance scale")
struct CovarianceScaleTests {
    @Test("A covariance ×1e300, ×1 and ×1e-300 gives the same correlation matrix, the one it was built from (1e-14)")
    func covarianceScaleStandardizes() throws {
        let names = ["a", "b", "c", "d"]
        let r = Matrix(rows: 4, columns: 4) { i, j in i == j ? 1 : [[0, 0.6, 0.5, 0.3], [0.6, 0, 0.45, 0.2], [0.5, 0.45, 0, 0.1], [0.3, 0.2, 0.1, 0]][i][j] }
        let sd = [1.0, 3.0, 0.25, 7.0]
        for scale in [1e300, 1.0, 1e-300] {
            // S = scale · D R D, written with a label column.
            var text = "task," + names.joined(separator: ",") + "\n"
            for i in 0..<4 {
                text += names[i] + "," + (0..<4).map { j in "\(scale * (sd[i] * sd[j] * r[i, j]))" }.joined(separator: ",") + "\n"
            }
            let input = try CorrelationInput(csv: text, source: "cov.csv", observations: 200)
            #expect(input.wasCovariance)
            for i in 0..<4 {
                for j in 0..<4 {
                    #expect(abs(input.correlation[i, j] - r[i, j]) < 1e-14, "scale \(scale): (\(i), \(j)) = \(input.correlation[i, j]), expected \(r[i, j])")
                }
            }
        }
    }
}
