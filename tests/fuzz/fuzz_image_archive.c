/* `hull load`: an image archive (OCI layout tar or docker-archive, possibly
 * compressed) read by image_load: decompression, the tar reader that unpacks
 * it into staging, index.json / manifest.json, manifests, configs, layers. */
#include "fuzz_image.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_image_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write("archive", data, size);
    char *path = xasprintf("%s/archive", fuzz_dir);
    fuzz_image_load(path);
    free(path);
    return 0;
}
