/* placeholder */ typedef int nm_placeholder_t;
