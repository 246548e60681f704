/* stub */
int main (void) { return 77; }
