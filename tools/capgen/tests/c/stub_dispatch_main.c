/* Host test of the generated dispatchers of any spec against generated stub handlers. */
#include "stub_dispatch.h"

int main(void)
{
    test_dispatch_all_methods();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("stub dispatch OK\n");
    return 0;
}
