// Product identity shown by every entry point (CLI --version, log headers, the wizard's title bar).
export const PRODUCT_NAME = 'Mobility Service Setup';
export const SETUP_VERSION = '1.0.0';
