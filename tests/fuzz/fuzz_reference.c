/* Image references (`hull pull/run/tag NAME[:TAG][@DIGEST]`): image_ref_parse,
 * and what is parsed must format back to text that parses to the same name
 * and tag (image_ref_format drops the digest when there is a tag). */
#include "fuzz.h"

#include "image/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct image_ref ref = {0}, again = {0};
    struct hull_error *err = NULL;
    int r = image_ref_parse(text, &ref, &err);
    fuzz_result(r, &err);
    if (r == 0) {
        char *formatted = image_ref_format(&ref);
        if (image_ref_parse(formatted, &again, &err) < 0)
            abort(); /* a parsed reference that does not parse back */
        if (strcmp(ref.name, again.name) || (ref.tag == NULL) != (again.tag == NULL) ||
            (ref.tag && strcmp(ref.tag, again.tag)) ||
            (!ref.tag && (!again.digest || strcmp(ref.digest, again.digest))))
            abort();
        image_ref_clear(&again);
        free(formatted);
        char *domain = NULL, *path = NULL;
        bool qualified;
        image_name_split(ref.name, &domain, &path, &qualified);
        char *familiar = image_name_familiar(domain, path);
        free(familiar);
        free(domain);
        free(path);
        image_ref_clear(&ref);
    }
    (void)image_name_is_valid(text);
    (void)image_tag_is_valid(text);
    free(text);
    return 0;
}
