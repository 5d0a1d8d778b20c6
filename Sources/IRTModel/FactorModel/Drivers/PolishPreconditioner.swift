/// The quasi-Newton polish's `B₀` and `H₀ = B₀⁻¹` at one point: the map's
/// information blocks in their shared form when it has one
/// (``SharedInformation``, O(p k²) per solve), else written out whole
/// (``BlockSolver``, O(p k³)).
struct PolishPreconditioner {
    let p: Int
    let k: Int
    private var shared: SharedInformation
    private var blocks: [Double] = []
    private var solver: BlockSolver
    private var usesShared = false

    init(p: Int, k: Int) {
        self.p = p
        self.k = k
        shared = SharedInformation(p: p, k: k)
        solver = BlockSolver(order: k + 1)
    }

    /// Takes the blocks at `x`, the point of the map's last ``EMMap/gradient(_:into:)``.
    /// A map with the shared form whose W cannot be factored safely gets
    /// its dense blocks written from that form, not computed again.
    mutating func load(_ x: FactorParameters, from map: inout some EMMap) {
        let hasShared = map.sharedInformation(x, into: &shared)
        usesShared = hasShared && shared.prepare()
        guard !usesShared else { return }
        if blocks.isEmpty { blocks = [Double](repeating: 0, count: p * (k + 1) * (k + 1)) }
        if hasShared { shared.denseBlocks(into: &blocks) } else { map.informationBlocks(x, into: &blocks) }
    }

    /// `q ← B_F⁻¹ q` (`q` 0 on fixed coordinates).
    mutating func apply(to q: inout [Double], fixed: [Bool]) {
        if usesShared { shared.apply(to: &q, fixed: fixed) } else { solver.apply(blocks: blocks, to: &q, fixed: fixed, p: p, k: k) }
    }

    /// `out = B_F x` (`x` 0 on fixed coordinates).
    mutating func multiply(_ x: [Double], into out: inout [Double], fixed: [Bool]) {
        if usesShared { shared.multiply(x, into: &out, fixed: fixed) } else { solver.multiply(blocks: blocks, x, into: &out, fixed: fixed, p: p, k: k) }
    }
}
