/**
 * Pocket ID group names as this project writes them: the name is also the friendly name Pocket ID
 * shows (UserGroupCreateDto: friendlyName 2-50 characters, name 2-255; pocket-id@v2.14.0
 * backend/internal/dto/user_group_dto.go), and Tinyauth matches it in comma-separated lists
 * (`oauth.groups`; tinyauth@v5.1.3 internal/utils/security_utils.go CheckFilter), so no commas or spaces.
 */
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,49}$/;

export const GROUP_NAME_RULE =
  "2-50 letters, digits, dots, dashes or underscores, starting with a letter or digit";

export const isGroupName = (name: string): boolean => GROUP_NAME.test(name);
