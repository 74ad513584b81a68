/** English function words and news boilerplate that never make a useful keyword. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against ago all almost along also although always am among an and another any anyone ' +
    'anything are around as at away back be became because become been before being below between both but by can ' +
    'cannot could did do does doing done down during each either else enough even ever every few first for from ' +
    'further get gets getting give given go goes going gone got had has have having he her here hers herself him ' +
    'himself his how however i if in including into is it its itself just last least less let like likely made make ' +
    'makes making many may me might more most much must my myself near need never new next no nor not nothing now of ' +
    'off often on once one only onto or other others our ours ourselves out over own part per perhaps put rather ' +
    'really said same say saying says see seen several shall she should since so some something still such take than ' +
    'that the their theirs them themselves then there these they thing things this those though through thus to ' +
    'together too toward towards under until up upon us use used using very via want was way we well were what ' +
    'whatever when where whether which while who whom whose why will with within without would yet you your yours ' +
    'yourself yourselves year years day days week weeks month months today yesterday tomorrow time times mr mrs ms ' +
    'two three four five six seven eight nine ten according told tell percent people according added including ' +
    "don't can't won't isn't it's that's there's he's she's they're we're i'm you're i've we've"
  ).split(' '),
);
