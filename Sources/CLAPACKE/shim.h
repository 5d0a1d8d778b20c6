#ifndef IRTKIT_CLAPACKE_SHIM_H
#define IRTKIT_CLAPACKE_SHIM_H
// CBLAS from OpenBLAS (pkg-config `openblas` adds its include directory) and
// the LAPACKE C interface (Debian's liblapacke-dev, /usr/include/lapacke.h).
#include <cblas.h>
#include <lapacke.h>

// The Swift side also calls OpenBLAS's own extensions declared in its cblas.h:
// openblas_set_num_threads, openblas_get_num_threads, openblas_get_corename.
#endif
