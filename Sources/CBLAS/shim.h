// OpenBLAS's CBLAS interface. pkg-config's include path picks the variant's own cblas.h,
// which also declares openblas_set_num_threads.
#include <cblas.h>
