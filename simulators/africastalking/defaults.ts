/** Credentials and timings the simulator uses unless told otherwise (also the values in .env.example). */
export const SIM_USERNAME = 'mtandao';
export const SIM_API_KEY = 'mtandao-at-key';
/** Price of one SMS segment, as Africa's Talking quotes it for Kenyan networks. */
export const SEGMENT_COST_KES = 0.8;
export const DLR_DELAY_MS = 1500;
export const START_BALANCE_KES = 1000;
